import LatentData
import LatentModels
import LatentTensor

/// Active latent units (Burda et al. 2016, section 5.2): dimension u is active when
/// `Var_x(E_{q(z|x)}[z_u]) > 0.01`, the variance taken over the data (divisor N).
///
/// An inactive unit's posterior mean does not depend on x: the decoder ignores it and its
/// posterior has collapsed onto the prior.
public struct ActiveUnits: Sendable, Equatable {
    /// Per latent dimension, the variance over the data of the posterior mean.
    public let variances: [Double]
    /// The activity threshold.
    public let threshold: Double

    /// The number of active dimensions.
    public var count: Int { variances.filter { $0 > threshold }.count }

    /// Creates a result.
    public init(variances: [Double], threshold: Double = 0.01) {
        self.variances = variances
        self.threshold = threshold
    }

    /// Counts active units from posterior means.
    ///
    /// - Parameters:
    ///   - means: `[N, latent]`, `E_q[z]` of each data point (the encoder's mean).
    ///   - threshold: the variance above which a unit is active (0.01 in the paper).
    public static func measure(means: Tensor, threshold: Double = 0.01) -> ActiveUnits {
        precondition(
            means.rank == 2 && means.shape[0] >= 1,
            "ActiveUnits: need means [N ≥ 1, latent], got \(means.shape)")
        let (count, latent) = (means.shape[0], means.shape[1])
        let scalars = means.scalars
        let variances = (0..<latent).map { unit -> Double in
            var mean = 0.0
            for row in 0..<count { mean += Double(scalars[row * latent + unit]) }
            mean /= Double(count)
            var squares = 0.0
            for row in 0..<count {
                let difference = Double(scalars[row * latent + unit]) - mean
                squares += difference * difference
            }
            return squares / Double(count)
        }
        return ActiveUnits(variances: variances, threshold: threshold)
    }

    /// Counts the active units of a model on `data` (the test set in the paper).
    public static func measure(
        _ model: VariationalAutoencoder, on data: Dataset, threshold: Double = 0.01,
        batchSize: Int = 1000
    ) -> ActiveUnits {
        measure(
            means: LatentEncodings.encode(model, data, batchSize: batchSize).mean,
            threshold: threshold)
    }
}
