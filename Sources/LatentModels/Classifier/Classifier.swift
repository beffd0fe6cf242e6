import LatentNN
import LatentTensor

/// How a classifier is built; stored in its run's `config.json`.
public struct ClassifierConfiguration: Codable, Equatable, Sendable {
    /// The network's shape.
    public enum Architecture: String, Codable, CaseIterable, Sendable {
        /// Two 3×3 conv layers (32, 64 channels) with ReLU and 2×2 max-pooling, then
        /// linear 128 → classes: the feature extractor for evaluating generated images.
        case conv
        /// One hidden layer (784-256-10 on MNIST), ReLU.
        case mlp
    }

    /// The network's shape.
    public var architecture: Architecture = .conv
    /// One example's shape, `[channels, height, width]`.
    public var imageShape: [Int] = [1, 28, 28]
    /// The number of classes.
    public var classCount: Int = 10
    /// The width of the penultimate (feature) layer.
    public var featureCount: Int = 128
    /// Dropout before the output layer during training.
    public var dropout: Float = 0.25
    /// Inputs are standardised as `(x − inputMean) / inputStandardDeviation` before the first
    /// layer (MNIST's training-set mean and standard deviation, 0.1307 and 0.3081).
    public var inputMean: Float = 0.1307
    /// See ``inputMean``.
    public var inputStandardDeviation: Float = 0.3081

    /// The conv classifier for MNIST.
    public init() {}

    /// Checks the settings as `latent train classifier` makes them, so that an edited
    /// `config.json` or an option out of range gets a one-line error rather than a crash when
    /// the network is built.
    ///
    /// - Throws: ``ConfigurationError`` naming the first value that cannot work.
    public func validate() throws {
        guard imageShape.count == 3, imageShape.allSatisfy({ $0 > 0 }) else {
            throw ConfigurationError("the classifier's image shape must be [channels, height, width] of positive sizes, got \(imageShape)")
        }
        guard classCount >= 2, featureCount > 0 else {
            throw ConfigurationError("the classifier needs at least 2 classes and a positive feature count, got \(classCount) and \(featureCount)")
        }
        guard dropout >= 0, dropout < 1 else {
            throw ConfigurationError("the classifier's dropout must be in [0, 1), got \(dropout)")
        }
        guard inputStandardDeviation.isFinite, inputStandardDeviation > 0, inputMean.isFinite else {
            throw ConfigurationError("the classifier's input mean and standard deviation must be finite and the deviation positive")
        }
        if architecture == .conv, imageShape[1] < 4 || imageShape[2] < 4 {
            throw ConfigurationError("the conv classifier pools twice by 2 and needs images of at least 4 × 4, got \(imageShape); use --classifier-architecture mlp")
        }
        let inputs = architecture == .conv
            ? 64 * Double(imageShape[1] / 4) * Double(imageShape[2] / 4)
            : imageShape.reduce(1.0) { $0 * Double($1) }
        try WeightSizeLimit.check(
            [(inputs, Double(featureCount)), (Double(featureCount), Double(classCount))],
            options: "--classifier-features")
    }
}

/// An image classifier whose penultimate layer also serves as a feature extractor (FID-style
/// distances, classifier scores, precision and recall on MNIST-like data).
///
/// Input `[batch, channels, height, width]`; `features` gives `[batch, featureCount]`, calling
/// the model gives logits `[batch, classCount]`.
public final class Classifier: Module {
    /// How the model was built.
    public let configuration: ClassifierConfiguration
    /// Everything up to and including the penultimate layer's ReLU.
    public let body: Sequential
    /// Dropout between the features and the output layer (training only).
    public let dropout: Dropout
    /// Features → logits.
    public let head: Linear

    /// Builds the network with PyTorch's default initialisation.
    public init(_ configuration: ClassifierConfiguration, using generator: inout some RandomNumberGenerator) {
        self.configuration = configuration
        let shape = configuration.imageShape
        precondition(shape.count == 3, "Classifier: image shape must be [channels, height, width], got \(shape)")
        let features = configuration.featureCount
        switch configuration.architecture {
        case .conv:
            let flat = 64 * (shape[1] / 4) * (shape[2] / 4)
            body = Sequential([
                Conv2d(inputChannels: shape[0], outputChannels: 32, kernelSize: 3, padding: 1, using: &generator),
                ReLU(), MaxPool2d(size: 2),
                Conv2d(inputChannels: 32, outputChannels: 64, kernelSize: 3, padding: 1, using: &generator),
                ReLU(), MaxPool2d(size: 2),
                Flatten(),
                Linear(inputFeatures: flat, outputFeatures: features, using: &generator), ReLU(),
            ])
        case .mlp:
            body = Sequential([
                Flatten(),
                Linear(inputFeatures: shape.reduce(1, *), outputFeatures: features, using: &generator), ReLU(),
            ])
        }
        dropout = Dropout(probability: configuration.dropout, using: &generator)
        head = Linear(inputFeatures: features, outputFeatures: configuration.classCount, using: &generator)
    }

    public var children: [(name: String, module: any Module)] {
        [("body", body), ("dropout", dropout), ("head", head)]
    }

    /// The penultimate layer's activations: `[batch, featureCount]`.
    public func features(_ images: Tensor) -> Tensor { body(standardized(images)) }

    /// Class logits: `[batch, classCount]`.
    public func callAsFunction(_ images: Tensor) -> Tensor { head(dropout(features(images))) }

    private func standardized(_ images: Tensor) -> Tensor {
        (images - configuration.inputMean) * (1 / configuration.inputStandardDeviation)
    }

    /// The most likely class of each image, evaluated in batches without gradients.
    public func predictions(_ images: Tensor, batchSize: Int = 1000) -> [Int] {
        let wasTraining = dropout.isTraining
        eval()
        defer { setTraining(wasTraining) }
        return withoutGradients {
            stride(from: 0, to: images.shape[0], by: batchSize).flatMap { start in
                let range = start..<min(start + batchSize, images.shape[0])
                return self(images.sliced(range, alongAxis: 0)).argmax(alongAxis: 1)
            }
        }
    }
}
