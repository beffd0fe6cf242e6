import Foundation
import LatentTensor

/// The classifier ("inception-style") score of Salimans et al. 2016,
/// `exp(E_x KL(p(y|x) ‖ p(y)))` with `p(y) = E_x p(y|x)`, here from Latent's MNIST classifier:
/// between 1 (every image gets the same class distribution) and the number of classes
/// (confident predictions spread evenly over the classes).
public enum ClassifierScore {
    /// The score of a set of images from their logits, in one split (the whole set).
    ///
    /// - Parameter logits: `[N, classes]` unnormalised log-probabilities.
    /// - Returns: the score, in [1, classes] up to rounding.
    /// - Precondition: rank 2 with N ≥ 1.
    public static func score(logits: Tensor) -> Double {
        precondition(
            logits.rank == 2 && logits.shape[0] >= 1,
            "ClassifierScore: need logits [N ≥ 1, classes], got \(logits.shape)")
        let (count, classes) = (logits.shape[0], logits.shape[1])
        // log p(y|x) per row in Double, then the marginal, then the average KL.
        var logProbabilities = [Double](repeating: 0, count: count * classes)
        logits.withUnsafeScalars { scalars in
            for row in 0..<count {
                var maximum = -Double.infinity
                for column in 0..<classes {
                    maximum = max(maximum, Double(scalars[row * classes + column]))
                }
                var sum = 0.0
                for column in 0..<classes {
                    sum += exp(Double(scalars[row * classes + column]) - maximum)
                }
                let logNormaliser = maximum + log(sum)
                for column in 0..<classes {
                    logProbabilities[row * classes + column] =
                        Double(scalars[row * classes + column]) - logNormaliser
                }
            }
        }
        var marginal = [Double](repeating: 0, count: classes)
        for row in 0..<count {
            for column in 0..<classes {
                marginal[column] += exp(logProbabilities[row * classes + column])
            }
        }
        let logMarginal = marginal.map { log($0 / Double(count)) }
        var kl = 0.0
        for row in 0..<count {
            for column in 0..<classes {
                let logP = logProbabilities[row * classes + column]
                let p = exp(logP)
                // 0 · log 0 = 0: a class with vanishing probability contributes nothing.
                if p > 0 { kl += p * (logP - logMarginal[column]) }
            }
        }
        return exp(kl / Double(count))
    }
}
