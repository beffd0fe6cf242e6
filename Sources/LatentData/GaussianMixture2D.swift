import Foundation

/// An equally weighted mixture of isotropic 2-D Gaussians with a common standard deviation: the
/// ring and grid toys, whose centres are the modes that mode-coverage metrics count.
public struct GaussianMixture2D: Equatable, Sendable {
    /// The mode centres.
    public let centres: [SIMD2<Double>]
    /// The standard deviation of every component, along each axis.
    public let standardDeviation: Double

    /// Creates a mixture.
    ///
    /// - Precondition: at least one centre and a positive standard deviation.
    public init(centres: [SIMD2<Double>], standardDeviation: Double) {
        precondition(!centres.isEmpty, "a mixture needs at least one centre")
        precondition(standardDeviation > 0, "standardDeviation must be positive")
        self.centres = centres
        self.standardDeviation = standardDeviation
    }

    /// The index of the centre nearest to `point` and its Euclidean distance.
    public func nearestCentre(to point: SIMD2<Double>) -> (index: Int, distance: Double) {
        var best = (index: 0, distance: Double.infinity)
        for (index, centre) in centres.enumerated() {
            let difference = point - centre
            let distance = (difference * difference).sum().squareRoot()
            if distance < best.distance { best = (index, distance) }
        }
        return best
    }

    /// The exact log-density at `point`: log (1/K) Σₖ N(point; centreₖ, σ²I).
    public func logDensity(at point: SIMD2<Double>) -> Double {
        let variance = standardDeviation * standardDeviation
        let normaliser = -log(2 * Double.pi * variance) - log(Double(centres.count))
        let terms = centres.map { centre -> Double in
            let difference = point - centre
            return -(difference * difference).sum() / (2 * variance)
        }
        return logSumExp(terms) + normaliser
    }
}
