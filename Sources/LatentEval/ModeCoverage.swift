import Foundation
import LatentData
import LatentTensor

/// Mode collapse on the 2-D Gaussian-mixture toys, as VEEGAN (Srivastava et al. 2017) and
/// PacGAN (Lin et al. 2018) measure it.
///
/// Each sample is registered to its nearest mode centre. A sample is *high quality* when that
/// centre is within `3σ` (σ the mixture's standard deviation). A mode is *covered* when at least
/// `minimumCount` high-quality samples (1 by default) are registered to it. The *reverse KL* is
/// `KL(q ‖ u) = Σ_k q_k log(q_k · K)` between the histogram `q` of the high-quality samples over
/// the K modes and the uniform distribution `u` of the true mixture; empty bins contribute 0
/// (the limit of q log q), so a model that covers one mode scores log K and an even spread 0.
/// With no high-quality sample `q` is undefined and the reverse KL is NaN (`null` in JSON).
public struct ModeCoverage: Sendable, Equatable {
    /// The number of covered modes.
    public let modesCovered: Int
    /// The number of modes of the mixture.
    public let modeCount: Int
    /// The fraction of samples within `3σ` of their nearest mode.
    public let highQualityFraction: Double
    /// `KL(q ‖ uniform)` of the high-quality samples' mode histogram, nats.
    public let reverseKL: Double
    /// High-quality samples registered to each mode.
    public let histogram: [Int]

    /// Measures `samples` against the modes of `mixture`.
    ///
    /// - Parameters:
    ///   - samples: `[N, 2]` generated points.
    ///   - mixture: the true mixture (``ToyDistribution/mixture``).
    ///   - standardDeviations: the high-quality radius in units of σ (3 in both papers).
    ///   - minimumCount: high-quality samples a mode needs to count as covered.
    public static func measure(
        _ samples: Tensor, mixture: GaussianMixture2D, standardDeviations: Double = 3,
        minimumCount: Int = 1
    ) -> ModeCoverage {
        precondition(
            samples.rank == 2 && samples.shape[1] == 2,
            "ModeCoverage: need samples [N, 2], got \(samples.shape)")
        let radius = standardDeviations * mixture.standardDeviation
        var histogram = [Int](repeating: 0, count: mixture.centres.count)
        let scalars = samples.scalars
        for index in 0..<samples.shape[0] {
            let point = SIMD2(Double(scalars[2 * index]), Double(scalars[2 * index + 1]))
            let nearest = mixture.nearestCentre(to: point)
            if nearest.distance <= radius { histogram[nearest.index] += 1 }
        }
        let highQuality = histogram.reduce(0, +)
        let modeCount = histogram.count
        var reverseKL = Double.nan
        if highQuality > 0 {
            reverseKL = histogram.reduce(0.0) { sum, count in
                guard count > 0 else { return sum }
                let q = Double(count) / Double(highQuality)
                return sum + q * log(q * Double(modeCount))
            }
        }
        return ModeCoverage(
            modesCovered: histogram.filter { $0 >= max(minimumCount, 1) }.count,
            modeCount: modeCount,
            highQualityFraction: samples.shape[0] == 0
                ? .nan : Double(highQuality) / Double(samples.shape[0]),
            reverseKL: reverseKL, histogram: histogram)
    }
}
