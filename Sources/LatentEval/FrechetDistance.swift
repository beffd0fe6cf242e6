import Foundation
import LatentTensor

/// The Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017's FID,
/// here on the features of Latent's MNIST classifier, not Inception-v3):
/// `‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)`.
///
/// Everything after the features is Double. The trace of the matrix square root is the sum of
/// the square roots of the eigenvalues of the symmetric positive semi-definite
/// `Σ₁^½ Σ₂ Σ₁^½`, which equals `Tr((Σ₁Σ₂)^½)` without taking the square root of a
/// non-symmetric product; eigenvalues that rounding makes slightly negative count as 0.
public enum FrechetDistance {
    /// The distance between Gaussians fitted to two feature sets.
    ///
    /// - Parameters:
    ///   - first: `[N₁, D]` features (for example real images through the classifier).
    ///   - second: `[N₂, D]` features (for example generated images).
    /// - Returns: the squared-distance-like Fréchet distance (≥ 0 up to rounding).
    /// - Precondition: both have rank 2, the same `D`, and at least two rows.
    public static func distance(between first: Tensor, and second: Tensor) -> Double {
        precondition(
            first.rank == 2 && second.rank == 2 && first.shape[1] == second.shape[1],
            "FrechetDistance: feature sets of shape \(first.shape) and \(second.shape) do not match"
        )
        return distance(
            between: GaussianStatistics(fitting: first), and: GaussianStatistics(fitting: second))
    }

    /// The distance between two Gaussians given by their statistics.
    ///
    /// - Precondition: the dimensions agree.
    public static func distance(between first: GaussianStatistics, and second: GaussianStatistics)
        -> Double
    {
        let n = first.dimension
        precondition(
            n == second.dimension, "FrechetDistance: dimensions \(n) and \(second.dimension) differ"
        )
        var meanTerm = 0.0
        for index in 0..<n {
            let difference = first.mean[index] - second.mean[index]
            meanTerm += difference * difference
        }
        var trace = 0.0
        for index in 0..<n {
            trace += first.covariance[index * n + index] + second.covariance[index * n + index]
        }
        let root = SymmetricEigen(first.covariance, dimension: n).applying {
            Swift.max($0, 0).squareRoot()
        }
        let product = multiply(multiply(root, second.covariance, n), root, n)
        let crossTrace = SymmetricEigen(product, dimension: n).values.reduce(0) {
            $0 + Swift.max($1, 0).squareRoot()
        }
        return meanTerm + trace - 2 * crossTrace
    }

    /// `a · b` for row-major `[n, n]` matrices.
    private static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let aik = a[i * n + k]
                for j in 0..<n { result[i * n + j] += aik * b[k * n + j] }
            }
        }
        return result
    }
}

/// The mean and covariance of a Gaussian, in Double.
public struct GaussianStatistics: Sendable, Equatable {
    /// `[D]`.
    public let mean: [Double]
    /// Row-major `[D, D]`, symmetric.
    public let covariance: [Double]

    /// The dimension D.
    public var dimension: Int { mean.count }

    /// Statistics given directly.
    ///
    /// - Precondition: `covariance` has `mean.count²` entries.
    public init(mean: [Double], covariance: [Double]) {
        precondition(
            covariance.count == mean.count * mean.count,
            "GaussianStatistics: \(covariance.count) covariance entries for dimension \(mean.count)"
        )
        self.mean = mean
        self.covariance = covariance
    }

    /// The sample mean and unbiased covariance (divisor N − 1, as `numpy.cov`) of the rows.
    ///
    /// - Parameter features: `[N, D]`.
    /// - Precondition: rank 2 and N ≥ 2.
    public init(fitting features: Tensor) {
        precondition(
            features.rank == 2 && features.shape[0] >= 2,
            "GaussianStatistics: need features [N ≥ 2, D], got \(features.shape)")
        let (count, dimension) = (features.shape[0], features.shape[1])
        var mean = [Double](repeating: 0, count: dimension)
        var covariance = [Double](repeating: 0, count: dimension * dimension)
        features.withUnsafeScalars { scalars in
            for row in 0..<count {
                for column in 0..<dimension {
                    mean[column] += Double(scalars[row * dimension + column])
                }
            }
            for column in 0..<dimension { mean[column] /= Double(count) }
            var centred = [Double](repeating: 0, count: dimension)
            for row in 0..<count {
                for column in 0..<dimension {
                    centred[column] = Double(scalars[row * dimension + column]) - mean[column]
                }
                // Upper triangle only; mirrored below.
                for i in 0..<dimension {
                    let value = centred[i]
                    for j in i..<dimension { covariance[i * dimension + j] += value * centred[j] }
                }
            }
        }
        for i in 0..<dimension {
            for j in i..<dimension {
                let value = covariance[i * dimension + j] / Double(count - 1)
                covariance[i * dimension + j] = value
                covariance[j * dimension + i] = value
            }
        }
        self.init(mean: mean, covariance: covariance)
    }
}
