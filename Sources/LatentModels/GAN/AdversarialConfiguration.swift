/// Which member of the adversarial family a model is.
public enum AdversarialKind: String, Codable, CaseIterable, Sendable {
    /// Goodfellow et al. 2014: MLP generator, maxout discriminator with dropout, k D-steps.
    case gan
    /// Radford et al. 2016: transposed-convolution generator, strided-convolution discriminator.
    case dcgan
    /// Arjovsky et al. 2017: a critic kept Lipschitz by weight clipping.
    case wgan
    /// Gulrajani et al. 2017: a critic kept Lipschitz by a gradient penalty.
    case wganGP = "wgan-gp"
    /// Miyato et al. 2018: spectral normalisation on every discriminator layer.
    case sngan
    /// Mirza & Osindero 2014: generator and discriminator see the label.
    case cgan
    /// Chen et al. 2016: latent codes whose mutual information with the samples is maximised.
    case infogan

    /// Whether the discriminator is a critic scored by the Wasserstein estimate.
    public var isWasserstein: Bool { self == .wgan || self == .wganGP }
}

/// The adversarial objective.
public enum AdversarialLoss: String, Codable, CaseIterable, Sendable {
    /// D: −log D(x) − log(1 − D(G(z))); G minimises log(1 − D(G(z))) (the paper's game).
    case minimax
    /// D as minimax; G minimises −log D(G(z)) (the paper's practical variant).
    case nonSaturating = "non-saturating"
    /// Critic: E C(G(z)) − E C(x); G: −E C(G(z)) (WGAN).
    case wasserstein
    /// D: E max(0, 1 − D(x)) + E max(0, 1 + D(G(z))); G: −E D(G(z)) (SNGAN).
    case hinge

    /// Whether D's output is a logit of the probability that its input is data.
    public var isLogistic: Bool { self == .minimax || self == .nonSaturating }
}

/// The layer families the generator and discriminator are built from.
public enum AdversarialArchitecture: String, Codable, CaseIterable, Sendable {
    /// Fully connected layers (ReLU in G, leaky ReLU 0.2 in D); the choice for 2-D data.
    case mlp
    /// The GAN paper's MNIST model: MLP generator, maxout discriminator with dropout.
    case maxout
    /// DCGAN's transposed and strided convolutions; needs image data.
    case convolutional
}

/// The generator's last nonlinearity, which fixes the range its samples live in.
public enum GeneratorOutput: String, Codable, CaseIterable, Sendable {
    /// Values in (0, 1): image data as it is stored.
    case sigmoid
    /// Values in (−1, 1): image data is scaled from [0, 1] to [−1, 1] for training.
    case tanh
    /// Unbounded values, for 2-D points.
    case linear
}

/// Everything needed to rebuild an adversarial model; stored in the run's `config.json`.
public struct AdversarialConfiguration: Codable, Equatable, Sendable {
    /// The family member.
    public var kind: AdversarialKind = .gan
    /// The shape of one example: `[channels, height, width]` for images, `[2]` for 2-D points.
    public var exampleShape: [Int] = [1, 28, 28]
    /// The dimension of the unstructured noise z ~ N(0, I) (uniform for the paper's GAN).
    public var noiseDimension: Int = 100
    /// How G and D are built.
    public var architecture: AdversarialArchitecture = .maxout
    /// Hidden sizes of an MLP generator (input side first).
    public var generatorHidden: [Int] = [1200, 1200]
    /// Hidden sizes of an MLP or maxout discriminator (input side first).
    public var discriminatorHidden: [Int] = [240, 240]
    /// Pieces per maxout unit.
    public var maxoutPieces: Int = 5
    /// Dropout probability on the discriminator's hidden layers (0: none).
    public var dropout: Float = 0.5
    /// The base channel count of the convolutional models (DCGAN's ngf = ndf).
    public var width: Int = 64
    /// Batch normalisation in the discriminator (convolutional models without a critic penalty).
    public var discriminatorBatchNorm: Bool = true
    /// Spectral normalisation on every discriminator layer.
    public var spectralNorm: Bool = false
    /// The generator's last nonlinearity.
    public var output: GeneratorOutput = .sigmoid
    /// The adversarial objective.
    public var loss: AdversarialLoss = .nonSaturating
    /// Classes the model is conditioned on (cgan), else 0.
    public var classCount: Int = 0
    /// Categories of InfoGAN's categorical code (0: none).
    public var categoricalCode: Int = 0
    /// InfoGAN's continuous codes, each uniform on [−1, 1].
    public var continuousCodes: Int = 0
    /// Keep an exponential moving average of the generator's weights for sampling.
    public var averagesGenerator: Bool = false
    /// Uniform noise on [−1, 1] instead of N(0, I), as the GAN paper's code draws it.
    public var uniformNoise: Bool = false
    /// PacGAN's packing (Lin et al. 2018): D scores groups of this many examples, concatenated,
    /// all real or all generated (`nil` or 1: one example at a time).
    public var packing: Int?
    /// The minibatch standard deviation of Karras et al. 2018 before D's head: the mean over
    /// D's features of their standard deviation across groups of this many inputs joins the
    /// features the head scores (`nil`: off).
    public var minibatchDeviationGroup: Int?
    /// The negative slope of an MLP generator's hidden activations: leaky ReLU when positive,
    /// ReLU when `nil` or 0.
    public var generatorNegativeSlope: Float?
    /// Batch normalisation after each hidden layer of an MLP generator (`nil`: none).
    public var generatorBatchNorm: Bool?
    /// A conditional model's label enters D by projection (Miyato & Koyama 2018): the score
    /// gains `⟨embed(y), features⟩` instead of the one-hot label joining D's input (`nil`: off).
    public var labelProjection: Bool?
    /// InfoGAN's MNIST networks (Chen et al. 2016, appendix C.1): a fully connected layer of
    /// this width, with BatchNorm, opens a convolutional G (before the layer to its first
    /// feature map) and closes a convolutional D's body; the code head then has BatchNorm too
    /// (`nil`: DCGAN's layout, the 1×1 input grown by one transposed convolution).
    public var fullyConnectedWidth: Int?
    /// The negative slope of a convolutional D's leaky ReLUs (`nil`: DCGAN's 0.2).
    public var discriminatorNegativeSlope: Float?

    /// The GAN paper's MNIST model.
    public init() {}

    /// The recipe of `kind` for examples of `exampleShape` (2-D points get MLPs).
    public static func recipe(_ kind: AdversarialKind, exampleShape: [Int], classCount: Int = 0)
        -> AdversarialConfiguration
    {
        var configuration = AdversarialConfiguration()
        configuration.kind = kind
        configuration.exampleShape = exampleShape
        let isImage = exampleShape.count == 3
        switch kind {
        case .gan:
            configuration.architecture = isImage ? .maxout : .mlp
            configuration.uniformNoise = true
        case .cgan:
            configuration.architecture = .mlp
            configuration.classCount = classCount
        default:
            configuration.architecture = isImage ? .convolutional : .mlp
        }
        configuration.dropout = kind == .gan && isImage ? 0.5 : 0
        configuration.output = !isImage ? .linear : kind == .gan ? .sigmoid : .tanh
        configuration.loss = kind.isWasserstein ? .wasserstein : kind == .sngan ? .hinge : .nonSaturating
        configuration.discriminatorBatchNorm = kind == .dcgan || kind == .infogan || kind == .wgan
        configuration.spectralNorm = kind == .sngan
        if kind == .infogan {
            configuration.categoricalCode = 10
            configuration.continuousCodes = 2
            configuration.noiseDimension = isImage ? 62 : 8
            if isImage {
                // The paper's networks: G 1024 → 7·7·128 → 64 → 1, D 64 → 128 → 1024 (leaky
                // ReLU 0.1), Q 1024 → 128 → codes; noise uniform on [−1, 1] as its code draws it.
                configuration.fullyConnectedWidth = 1024
                configuration.discriminatorNegativeSlope = 0.1
                configuration.uniformNoise = true
            }
        }
        if !isImage && kind == .gan {
            // The packed recipe that covers every mode of the ring toy (docs/results.md): G
            // noise→256→256→256→2, D 2→256→256→256→1 scoring pairs (PacGAN2, Lin et al. 2018),
            // 16-d noise uniform on [−1, 1] (the `gan` kind's), samples from the generator's
            // weight average. The GAN paper gives no 2-D recipe.
            configuration.noiseDimension = 16
            configuration.generatorHidden = [256, 256, 256]
            configuration.discriminatorHidden = [256, 256, 256]
            configuration.packing = 2
            configuration.averagesGenerator = true
        } else if !isImage {
            // The W3 toy workload: G noise→512→512→512→2, D 2→512→512→512→1.
            configuration.noiseDimension = kind == .infogan ? 8 : 16
            configuration.generatorHidden = [512, 512, 512]
            configuration.discriminatorHidden = [512, 512, 512]
        } else if kind == .cgan {
            // The MLP cGAN that trains: G with BatchNorm and leaky ReLU between its layers and a
            // tanh output, D with dropout 0.3 and the label projected onto its features.
            // Without BatchNorm the ReLU generator's first samples hardly depend on z or the
            // label, and it collapses to one stroke; with the one-hot label joining D's input
            // instead of the projection, samples follow their label far more slowly (label
            // accuracy 0.45 against 0.85 after 2 epochs).
            configuration.generatorHidden = [256, 512, 1024]
            configuration.discriminatorHidden = [1024, 512, 256]
            configuration.generatorNegativeSlope = 0.2
            configuration.generatorBatchNorm = true
            configuration.dropout = 0.3
            configuration.labelProjection = true
        } else if configuration.architecture == .mlp {
            configuration.discriminatorHidden = [1024, 512, 256]
        }
        return configuration
    }

    /// The number of scalars in one example.
    public var featureCount: Int { exampleShape.reduce(1, *) }

    /// Whether examples are images `[channels, height, width]`.
    public var isImage: Bool { exampleShape.count == 3 }

    /// The size of the generator's input: noise, one-hot label and codes.
    public var generatorInputSize: Int {
        noiseDimension + classCount + categoricalCode + continuousCodes
    }

    /// Whether D carries InfoGAN's auxiliary head.
    public var hasCodeHead: Bool { categoricalCode + continuousCodes > 0 }

    /// Whether the model is conditioned on labels.
    public var isConditional: Bool { classCount > 0 }

    /// The number of examples D scores together: ``packing``, or 1.
    public var packedExamples: Int { packing ?? 1 }

    /// Checks the values; a user error names the offending field.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ConfigurationError(message) }
        }
        try require(noiseDimension > 0, "--noise must be positive, got \(noiseDimension)")
        try require(
            !exampleShape.isEmpty && exampleShape.allSatisfy { $0 > 0 },
            "example shape must be non-empty and positive, got \(exampleShape)")
        try require(
            (generatorHidden + discriminatorHidden).allSatisfy { $0 > 0 },
            "hidden sizes must be positive")
        try require((0..<1).contains(dropout), "--dropout must be in [0, 1), got \(dropout)")
        try require(
            (0..<1).contains(generatorNegativeSlope ?? 0),
            "--g-negative-slope must be in [0, 1), got \(generatorNegativeSlope ?? 0)")
        try require(maxoutPieces >= 1, "maxout pieces must be at least 1")
        try require((fullyConnectedWidth ?? 1) > 0, "--fc-width must be positive")
        try require(
            (0..<1).contains(discriminatorNegativeSlope ?? 0),
            "--d-negative-slope must be in [0, 1), got \(discriminatorNegativeSlope ?? 0)")
        try require(width > 0, "--width must be positive")
        try require(
            architecture != .convolutional || (isImage && ConvolutionalLayout(exampleShape) != nil),
            "\(kind.rawValue) with convolutions needs images whose side halves to 4...8 "
                + "(28, 32, 64, …); got examples of shape \(exampleShape)")
        try require(
            kind != .cgan || classCount >= 2, "cgan needs a labelled dataset with at least 2 classes")
        try require(
            kind != .infogan || categoricalCode + continuousCodes > 0,
            "infogan needs at least one code")
        try require(
            !kind.isWasserstein || loss == .wasserstein,
            "\(kind.rawValue) trains with the Wasserstein loss, not --loss \(loss.rawValue)")
        try require(
            kind.isWasserstein || loss != .wasserstein,
            "--loss wasserstein needs a critic: use wgan or wgan-gp")
        try require(packedExamples >= 1, "--pack must be at least 1, got \(packedExamples)")
        try require(
            (minibatchDeviationGroup ?? 2) >= 2,
            "--minibatch-stddev needs groups of at least 2 examples, got \(minibatchDeviationGroup ?? 0)")
        try require(
            labelProjection != true || isConditional, "--projection needs a conditional model (cgan)")
        try require(
            packedExamples == 1 || labelProjection != true,
            "--pack scores groups of examples; the label projection needs one score per example")
        try require(
            packedExamples == 1 || !hasCodeHead,
            "--pack scores groups of examples; infogan's code head needs one score per example")
        try require(
            kind != .wganGP || !discriminatorBatchNorm,
            "wgan-gp's critic has no batch normalisation (the penalty is per sample)")
        try checkWeightSizes()
    }
}
