import LatentModels
import LatentNN
import LatentTensor

/// The classifier's penultimate features and logits of many images, in batches, without
/// gradients and in evaluation mode (dropout off).
public enum ClassifierFeatures {
    /// Features `[N, featureCount]` and logits `[N, classCount]` of `images`.
    ///
    /// - Parameters:
    ///   - classifier: the feature extractor (Latent's MNIST classifier for the documented
    ///     protocol).
    ///   - images: `[N, channels, height, width]` in the classifier's input range.
    ///   - batchSize: images per forward pass.
    /// - Precondition: each image has the classifier's `imageShape`.
    public static func extract(
        _ classifier: Classifier, from images: Tensor, batchSize: Int = 500
    ) -> (features: Tensor, logits: Tensor) {
        precondition(
            batchSize >= 1, "ClassifierFeatures: batch size must be positive, got \(batchSize)")
        precondition(
            Array(images.shape.dropFirst()) == classifier.configuration.imageShape,
            "ClassifierFeatures: images \(images.shape) for a classifier of \(classifier.configuration.imageShape) images"
        )
        let wasTraining = classifier.dropout.isTraining
        classifier.eval()
        defer { classifier.setTraining(wasTraining) }
        return withoutGradients {
            var features: [Tensor] = [], logits: [Tensor] = []
            for start in stride(from: 0, to: images.shape[0], by: batchSize) {
                let batch = images.sliced(
                    start..<min(start + batchSize, images.shape[0]), alongAxis: 0)
                let batchFeatures = classifier.features(batch)
                features.append(batchFeatures)
                logits.append(classifier.head(batchFeatures))
            }
            if features.isEmpty {
                return (
                    Tensor(zeros: [0, classifier.configuration.featureCount]),
                    Tensor(zeros: [0, classifier.configuration.classCount])
                )
            }
            return (
                Tensor.concatenate(features, alongAxis: 0), Tensor.concatenate(logits, alongAxis: 0)
            )
        }
    }
}
