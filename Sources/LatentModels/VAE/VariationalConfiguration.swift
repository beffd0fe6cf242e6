/// Which member of the variational family a model is.
public enum VariationalKind: String, Codable, CaseIterable, Sendable {
    /// Deterministic autoencoder: reconstruction loss only, the baseline the VAE improves on.
    case ae
    /// Variational autoencoder (Kingma & Welling 2014): maximises the ELBO.
    case vae
    /// β-VAE (Higgins et al. 2017): reconstruction − β·KL.
    case betaVAE = "beta-vae"
    /// Importance-weighted autoencoder (Burda et al. 2016): the k-sample bound.
    case iwae
    /// Conditional VAE (Sohn et al. 2015): encoder and decoder see the one-hot label.
    case cvae
}

/// How the gradient passes through the sampling step z ~ q(z|x).
public enum GradientEstimator: String, Codable, CaseIterable, Sendable {
    /// z = μ + σ·ε (Kingma & Welling 2014): low variance, the default.
    case reparameterization
    /// REINFORCE: ∇ log q(z|x) · (log p(x,z) − log q(z|x) − baseline) (Williams 1992).
    case scoreFunction = "score-function"
}

/// The layers at the pixel end of a variational model's encoder and decoder.
public enum VariationalArchitecture: String, Codable, CaseIterable, Sendable {
    /// Fully connected layers throughout: the examples enter and leave flat.
    case mlp
    /// Stride-2 convolutions (kernel 4, padding 1) halve the image's side down to 4–8 pixels
    /// before the fully connected layers, and transposed convolutions double it back in the
    /// decoder; the channels start at ``VariationalConfiguration/convolutionWidth`` and double
    /// per halving. Needs square images whose side halves to 4–8 (28, 32, 64, …).
    case convolutional
}

/// Everything needed to rebuild a variational model; stored as the run's `config.json`.
public struct VariationalConfiguration: Codable, Equatable, Sendable {
    /// The family member.
    public var kind: VariationalKind = .vae
    /// The shape of one example: `[channels, height, width]` for images, `[2]` for 2-D points.
    public var imageShape: [Int] = [1, 28, 28]
    /// The dimension of z.
    public var latentDimension: Int = 20
    /// The pixel end of the encoder and decoder: fully connected or convolutional.
    public var architecture: VariationalArchitecture = .mlp
    /// Channels of the first convolution of a convolutional encoder (doubling per halving),
    /// and of the decoder's last hidden feature map.
    public var convolutionWidth: Int = 32
    /// Hidden layer sizes of the encoder's fully connected layers (the decoder mirrors them);
    /// with convolutions they follow the last feature map.
    public var hidden: [Int] = [400]
    /// The hidden nonlinearity.
    public var activation: Activation = .relu
    /// The decoder's distribution p(x|z).
    public var likelihood: Likelihood = .bernoulli
    /// σ of the fixed-variance Gaussian likelihood.
    public var outputStandardDeviation: Float = 0.1
    /// The KL weight (β-VAE); 1 for the other members.
    public var beta: Float = 1
    /// Samples of z per example in the training bound (IWAE's k).
    public var importanceSamples: Int = 1
    /// Number of classes the model is conditioned on (cvae), else 0.
    public var classCount: Int = 0
    /// The gradient estimator for the encoder.
    public var estimator: GradientEstimator = .reparameterization
    /// Subtract a moving-average baseline in the score-function estimator.
    public var usesBaseline: Bool = true

    /// The default configuration: PyTorch's `examples/vae` (784-400-20, ReLU, Bernoulli).
    public init() {}

    /// The number of scalars in one example.
    public var featureCount: Int { imageShape.reduce(1, *) }

    /// Whether the model is conditioned on labels.
    public var isConditional: Bool { kind == .cvae }

    /// Checks the values; a user error names the offending field.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ConfigurationError(message) }
        }
        try require(latentDimension > 0, "latent dimension must be positive, got \(latentDimension)")
        try require(hidden.allSatisfy { $0 > 0 }, "hidden sizes must be positive, got \(hidden)")
        try require(!imageShape.isEmpty && imageShape.allSatisfy { $0 > 0 },
                    "example shape must be non-empty and positive, got \(imageShape)")
        try require(beta.isFinite && beta >= 0, "--beta must be non-negative and finite, got \(beta)")
        try require(importanceSamples >= 1, "--importance-samples must be at least 1, got \(importanceSamples)")
        try require(outputStandardDeviation.isFinite && outputStandardDeviation > 0,
                    "--output-std must be positive and finite, got \(outputStandardDeviation)")
        try require(kind != .cvae || classCount >= 2, "cvae needs a labelled dataset with at least 2 classes")
        try require(kind != .ae || estimator == .reparameterization,
                    "the deterministic autoencoder has no sampling step for --estimator score-function")
        try require(kind != .iwae || estimator == .reparameterization,
                    "--estimator score-function is implemented for vae, beta-vae and cvae, not iwae")
        // The score-function surrogate draws one z per example; more would be silently ignored.
        try require(estimator == .reparameterization || importanceSamples == 1,
                    "--estimator score-function draws one z per example; drop --importance-samples \(importanceSamples)")
        if architecture == .convolutional {
            try require(convolutionWidth > 0, "--width must be positive, got \(convolutionWidth)")
            try require(ConvolutionalLayout(imageShape) != nil,
                        "--architecture convolutional needs square images whose side halves to 4-8 pixels "
                            + "(28, 32, 64, ...); the data's examples are \(imageShape)")
        }
        try checkWeightSizes()
    }
}

extension VariationalConfiguration {
    /// Decodes a configuration; run folders written before `architecture` and
    /// `convolutionWidth` existed hold fully connected models and decode as such, and older
    /// runs' estimator settings read as what they trained with.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(VariationalKind.self, forKey: .kind)
        imageShape = try container.decode([Int].self, forKey: .imageShape)
        latentDimension = try container.decode(Int.self, forKey: .latentDimension)
        architecture = try container.decodeIfPresent(VariationalArchitecture.self, forKey: .architecture) ?? .mlp
        convolutionWidth = try container.decodeIfPresent(Int.self, forKey: .convolutionWidth) ?? 32
        hidden = try container.decode([Int].self, forKey: .hidden)
        activation = try container.decode(Activation.self, forKey: .activation)
        likelihood = try container.decode(Likelihood.self, forKey: .likelihood)
        outputStandardDeviation = try container.decode(Float.self, forKey: .outputStandardDeviation)
        beta = try container.decode(Float.self, forKey: .beta)
        importanceSamples = try container.decode(Int.self, forKey: .importanceSamples)
        classCount = try container.decode(Int.self, forKey: .classCount)
        estimator = try container.decode(GradientEstimator.self, forKey: .estimator)
        usesBaseline = try container.decode(Bool.self, forKey: .usesBaseline)
        // Runs trained before these combinations were refused were trained as follows: the
        // score-function surrogate drew one z whatever the count, and the iwae bound always
        // took the reparameterisation gradient. They read as what they were.
        if estimator == .scoreFunction && kind == .iwae { estimator = .reparameterization }
        if estimator == .scoreFunction { importanceSamples = 1 }
    }
}

/// A configuration value a user gave that cannot work.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, in one line.
    public let description: String
    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
