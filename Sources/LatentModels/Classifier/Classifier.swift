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
