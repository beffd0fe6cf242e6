import Foundation
import LatentTensor

/// The classifier ("inception-style") score of Salimans et al. 2016,
/// `exp(E_x KL(p(y|x) ‖ p(y)))` with `p(y) = E_x p(y|x)`, here from Latent's MNIST classifier:
/// between 1 (every image gets the same class distribution) and the number of classes
/// (confident predictions spread evenly over the classes).
///
/// The exponent splits as `H(p(y)) − E_x H(p(y|x))`: how evenly the samples spread over the
/// classes minus how unsure the classifier is of each. ``Decomposition`` reports both, so a
/// low score can be read as dropped or over-produced classes (a small class entropy) or as
/// ambiguous images (a large conditional entropy).
public enum ClassifierScore {
    /// The score with the two entropies it is made of and the class frequencies.
    public struct Decomposition: Sendable, Equatable {
        /// `exp(classEntropy − conditionalEntropy)`.
        public let score: Double
        /// `H(p(y))` of the marginal `p(y) = E_x p(y|x)`, nats; `log classes` at most.
        public let classEntropy: Double
        /// `E_x H(p(y|x))`, nats; 0 when every prediction is certain.
        public let conditionalEntropy: Double
        /// The marginal `p(y)`, one entry per class.
        public let classFrequencies: [Double]
    }

    /// The score of a set of images from their logits, in one split (the whole set).
    ///
    /// - Parameter logits: `[N, classes]` unnormalised log-probabilities.
    /// - Returns: the score, in [1, classes] up to rounding.
    /// - Precondition: rank 2 with N ≥ 1.
    public static func score(logits: Tensor) -> Double {
        decompose(logits: logits).score
    }

    /// The score, its two entropies and the class frequencies, in Double.
    ///
    /// - Parameter logits: `[N, classes]` unnormalised log-probabilities.
    /// - Precondition: rank 2 with N ≥ 1.
    public static func decompose(logits: Tensor) -> Decomposition {
        precondition(
            logits.rank == 2 && logits.shape[0] >= 1,
            "ClassifierScore: need logits [N ≥ 1, classes], got \(logits.shape)")
        let (count, classes) = (logits.shape[0], logits.shape[1])
        // log p(y|x) per row in Double, then the marginal and the mean conditional entropy.
        var marginal = [Double](repeating: 0, count: classes)
        var conditionalEntropy = 0.0
        var logProbabilities = [Double](repeating: 0, count: classes)
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
                    logProbabilities[column] = Double(scalars[row * classes + column]) - logNormaliser
                }
                for column in 0..<classes {
                    let p = exp(logProbabilities[column])
                    marginal[column] += p
                    // 0 · log 0 = 0: a class with vanishing probability contributes nothing.
                    if p > 0 { conditionalEntropy -= p * logProbabilities[column] }
                }
            }
        }
        let frequencies = marginal.map { $0 / Double(count) }
        let classEntropy = -frequencies.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
        conditionalEntropy /= Double(count)
        // E_x KL(p(y|x) ‖ p(y)) = H(p(y)) − E_x H(p(y|x)); never below 0 but for rounding.
        return Decomposition(
            score: exp(max(0, classEntropy - conditionalEntropy)),
            classEntropy: classEntropy,
            conditionalEntropy: conditionalEntropy,
            classFrequencies: frequencies)
    }
}
