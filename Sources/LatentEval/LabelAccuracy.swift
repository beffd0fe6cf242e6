import LatentModels
import LatentTensor

/// The label accuracy of conditional samples: the fraction of images generated for class `c`
/// that the classifier assigns to `c` (as reported for conditional GANs and CVAEs).
public enum LabelAccuracy {
    /// The fraction of positions where `predicted` equals `intended`.
    ///
    /// - Precondition: the two lists have the same, non-zero length.
    public static func accuracy(predicted: [Int], intended: [Int]) -> Double {
        precondition(
            predicted.count == intended.count && !predicted.isEmpty,
            "LabelAccuracy: \(predicted.count) predictions for \(intended.count) intended labels")
        return Double(zip(predicted, intended).filter { $0 == $1 }.count) / Double(predicted.count)
    }

    /// The accuracy of `classifier` on samples generated for the labels `intended`.
    ///
    /// - Parameters:
    ///   - samples: `[N, channels, height, width]` conditional samples.
    ///   - intended: the N labels the samples were generated for.
    public static func accuracy(of samples: Tensor, intended: [Int], classifier: Classifier)
        -> Double
    {
        precondition(
            samples.shape.first == intended.count,
            "LabelAccuracy: samples of shape \(samples.shape) for \(intended.count) labels")
        return accuracy(predicted: classifier.predictions(samples), intended: intended)
    }
}
