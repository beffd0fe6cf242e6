import LatentNN
import LatentTensor

/// D(x): scores examples (a logit of "this is data", or a critic value), from a shared body
/// whose features also feed feature matching and InfoGAN's code head.
///
/// Input `[batch] + exampleShape` in model space (and class labels for a conditional model);
/// output `[batch]`. The body is, by architecture: leaky-ReLU(0.2) MLP; the GAN paper's maxout
/// layers (`maxoutPieces` pieces) with dropout; or DCGAN's stride-2 convolutions (kernel 4,
/// padding 1, leaky ReLU 0.2, BatchNorm after all but the first unless disabled; InfoGAN's
/// networks close with a fully connected layer and use a slope of 0.1). Labels enter
/// as a one-hot vector beside the flattened input (MLP) or as constant planes (convolutional),
/// or, with ``AdversarialConfiguration/labelProjection``, by projection: the score gains
/// `⟨embed(y), features⟩` (Miyato & Koyama 2018). With spectral normalisation every `Linear`
/// and `Conv2d`, heads included, is wrapped in ``SpectralNorm``. Parameters are named `body.…`,
/// `head.…`, `codeHead.…` and `projection.…`. With ``AdversarialConfiguration/minibatchDeviationGroup``
/// the head first appends the batch's minibatch standard deviation to the features
/// (`head.1.…` is then its linear layer).
public final class Discriminator: Module {
    /// How the model was built.
    public let configuration: AdversarialConfiguration
    /// Input → features `[batch, featureSize]`.
    public let body: Sequential
    /// Features → one score per example.
    public let head: any Layer
    /// Features → InfoGAN's categorical logits and continuous-code means, when it has codes.
    public let codeHead: Sequential?
    /// One-hot label → the class's embedding `[featureSize]`, for a projection discriminator.
    public let projection: (any Layer)?
    /// The dropout layers, reseeded per step so that a resumed run repeats its masks.
    let dropouts: [Dropout]

    /// Builds the discriminator; convolutional weights follow DCGAN's N(0, 0.02²).
    ///
    /// - Precondition: a maxout body is not spectrally normalised.
    public init(
        _ configuration: AdversarialConfiguration,
        using generator: inout some RandomNumberGenerator
    ) {
        self.configuration = configuration
        let normalizes = configuration.spectralNorm
        precondition(
            !(normalizes && configuration.architecture == .maxout),
            "Discriminator: spectral normalisation wraps Linear and Conv2d, not maxout")
        func linear(_ input: Int, _ output: Int, bias: Bool = true) -> any Layer {
            let layer = Linear(inputFeatures: input, outputFeatures: output, bias: bias, using: &generator)
            return normalizes ? SpectralNorm(layer, using: &generator) : layer
        }
        var stack: [any Layer] = []
        var dropouts: [Dropout] = []
        let projects = configuration.labelProjection == true
        let condition = projects ? 0 : configuration.classCount
        let featureSize: Int
        switch configuration.architecture {
        case .convolutional:
            let layout = ConvolutionalLayout(configuration.exampleShape)!
            let slope = configuration.discriminatorNegativeSlope ?? 0.2
            var channels = (configuration.exampleShape[0] + condition) * configuration.packedExamples
            for index in 0..<layout.upsamplings {
                let next = configuration.width << index
                let conv = Conv2d(
                    inputChannels: channels, outputChannels: next, kernelSize: 4, stride: 2,
                    padding: 1, bias: index == 0 || !configuration.discriminatorBatchNorm,
                    using: &generator)
                Initializers.applyDCGAN(to: conv, using: &generator)
                stack.append(normalizes ? SpectralNorm(conv, using: &generator) : conv)
                if index > 0 && configuration.discriminatorBatchNorm {
                    stack.append(BatchNorm(featureCount: next))
                }
                stack.append(LeakyReLU(negativeSlope: slope))
                channels = next
            }
            stack.append(Flatten())
            featureSize = configuration.fullyConnectedWidth ?? channels * layout.base * layout.base
            if let width = configuration.fullyConnectedWidth {
                let batchNorm = configuration.discriminatorBatchNorm
                stack.append(linear(channels * layout.base * layout.base, width, bias: !batchNorm))
                if batchNorm { stack.append(BatchNorm(featureCount: width)) }
                stack.append(LeakyReLU(negativeSlope: slope))
            }
        case .maxout:
            var size = (configuration.featureCount + condition) * configuration.packedExamples
            for hidden in configuration.discriminatorHidden {
                stack.append(Maxout(
                    inputFeatures: size, outputFeatures: hidden,
                    pieces: configuration.maxoutPieces, using: &generator))
                if configuration.dropout > 0 {
                    let dropout = Dropout(probability: configuration.dropout, using: &generator)
                    dropouts.append(dropout)
                    stack.append(dropout)
                }
                size = hidden
            }
            featureSize = size
        case .mlp:
            var size = (configuration.featureCount + condition) * configuration.packedExamples
            for hidden in configuration.discriminatorHidden {
                stack += [linear(size, hidden), LeakyReLU(negativeSlope: 0.2)]
                if configuration.dropout > 0 {
                    let dropout = Dropout(probability: configuration.dropout, using: &generator)
                    dropouts.append(dropout)
                    stack.append(dropout)
                }
                size = hidden
            }
            featureSize = size
        }
        body = Sequential(stack)
        if let group = configuration.minibatchDeviationGroup {
            head = Sequential(MinibatchStandardDeviation(groupSize: group), linear(featureSize + 1, 1))
        } else {
            head = linear(featureSize, 1)
        }
        if configuration.hasCodeHead {
            // InfoGAN's Q: one hidden layer of 128, with BatchNorm in the paper's networks.
            let hidden = 128
            let normalized = configuration.fullyConnectedWidth != nil && configuration.architecture == .convolutional
            codeHead = Sequential(
                [linear(featureSize, hidden)] + (normalized ? [BatchNorm(featureCount: hidden)] : [])
                    + [LeakyReLU(negativeSlope: configuration.discriminatorNegativeSlope ?? 0.2),
                       linear(hidden, configuration.categoricalCode + configuration.continuousCodes)])
        } else {
            codeHead = nil
        }
        if projects {
            let embedding = Linear(
                inputFeatures: configuration.classCount, outputFeatures: featureSize, bias: false,
                using: &generator)
            projection = normalizes ? SpectralNorm(embedding, using: &generator) : embedding
        } else {
            projection = nil
        }
        self.dropouts = dropouts
    }

    public var children: [(name: String, module: any Module)] {
        [("body", body), ("head", head)] + (codeHead.map { [("codeHead", $0)] } ?? [])
            + (projection.map { [("projection", $0)] } ?? [])
    }

    /// The body's features of examples `[batch] + exampleShape`: `[batch / m, featureSize]`
    /// for packing m (PacGAN: each group of m consecutive examples, labels included, is
    /// concatenated into one input — along the features of an MLP, the channels of a
    /// convolution).
    ///
    /// - Precondition: labels are given exactly when the model is conditional; the batch is a
    ///   multiple of the packing.
    public func features(_ examples: Tensor, labels: [Int]? = nil) -> Tensor {
        let batch = examples.shape[0]
        let packing = configuration.packedExamples
        precondition(
            batch % packing == 0,
            "Discriminator: a batch of \(batch) does not split into groups of \(packing) (--pack)")
        precondition(
            Array(examples.shape.dropFirst()) == configuration.exampleShape,
            "Discriminator: examples \(examples.shape) are not [batch] + \(configuration.exampleShape)")
        precondition(
            (labels != nil) == configuration.isConditional,
            "Discriminator: labels \(labels == nil ? "missing for" : "given to") a "
                + "\(configuration.isConditional ? "conditional" : "unconditional") model")
        var input = configuration.architecture == .convolutional
            ? examples : examples.reshaped(to: [batch, configuration.featureCount])
        if let labels, projection == nil {
            let hot = oneHot(labels, classes: configuration.classCount)
            if configuration.architecture == .convolutional {
                let side = configuration.exampleShape[1]
                let planes = hot.reshaped(to: [batch, configuration.classCount, 1, 1])
                    .expanded(to: [batch, configuration.classCount, side, side])
                input = Tensor.concatenate([input, planes], alongAxis: 1)
            } else {
                input = Tensor.concatenate([input, hot], alongAxis: 1)
            }
        }
        if packing > 1 {
            var shape = input.shape
            shape[0] = batch / packing
            shape[1] *= packing
            input = input.reshaped(to: shape)
        }
        return body(input)
    }

    /// One score per example from body features: `[batch, featureSize]` → `[batch]`; a
    /// projection discriminator adds `⟨embed(y), features⟩` for the examples' labels.
    ///
    /// - Precondition: labels are given when the discriminator projects them.
    public func score(features: Tensor, labels: [Int]? = nil) -> Tensor {
        let scores = head(features).reshaped(to: [features.shape[0]])
        guard let projection else { return scores }
        guard let labels else { preconditionFailure("Discriminator: a projection discriminator needs the labels") }
        let embedded = projection(oneHot(labels, classes: configuration.classCount))
        return scores + (embedded * features).sum(alongAxis: 1)
    }

    /// InfoGAN's code predictions from body features: `[batch, categorical + continuous]`.
    ///
    /// - Precondition: the model has codes.
    public func codePredictions(features: Tensor) -> Tensor {
        guard let codeHead else {
            preconditionFailure("Discriminator: this model has no latent codes to predict")
        }
        return codeHead(features)
    }

    /// One score per example, `[batch]` (per group of examples, `[batch / m]`, with packing m).
    public func callAsFunction(_ examples: Tensor, labels: [Int]? = nil) -> Tensor {
        score(features: features(examples, labels: labels), labels: labels)
    }

    /// Reseeds every dropout layer from `seed`, so a step's masks depend on the step alone.
    func reseedDropout(_ seed: UInt64) {
        for (index, dropout) in dropouts.enumerated() {
            dropout.generator = SplitMix64(seed: seed).derived(UInt64(index))
        }
    }
}
