import Foundation
import LatentData
import LatentModels
import LatentTensor

/// `KL(q(z_u|x) ‖ N(0, 1))` for each latent dimension u, averaged over the data:
/// `½ (μ_u² + σ_u² − log σ_u² − 1)`. Their sum is the KL term of the ELBO; a dimension near 0
/// carries no information about x.
public enum KLPerDimension {
    /// The average KL per dimension, nats.
    ///
    /// - Parameters:
    ///   - mean: `[N, latent]` posterior means.
    ///   - logVariance: `[N, latent]` posterior log-variances.
    /// - Returns: `latent` averages.
    public static func average(mean: Tensor, logVariance: Tensor) -> [Double] {
        precondition(
            mean.rank == 2 && mean.shape == logVariance.shape && mean.shape[0] >= 1,
            "KLPerDimension: mean \(mean.shape) and log-variance \(logVariance.shape) must be equal [N ≥ 1, latent]"
        )
        let (count, latent) = (mean.shape[0], mean.shape[1])
        let means = mean.scalars, logVariances = logVariance.scalars
        var totals = [Double](repeating: 0, count: latent)
        for row in 0..<count {
            for unit in 0..<latent {
                let mu = Double(means[row * latent + unit]),
                    logVar = Double(logVariances[row * latent + unit])
                totals[unit] += 0.5 * (mu * mu + exp(logVar) - logVar - 1)
            }
        }
        return totals.map { $0 / Double(count) }
    }

    /// The average KL per dimension of a model's posterior on `data`.
    ///
    /// - Precondition: the model is not the deterministic autoencoder (it has no posterior).
    public static func average(
        _ model: VariationalAutoencoder, on data: Dataset, batchSize: Int = 1000
    ) -> [Double] {
        precondition(
            model.configuration.kind != .ae,
            "KLPerDimension: the deterministic autoencoder has no posterior")
        let encodings = LatentEncodings.encode(model, data, batchSize: batchSize)
        return average(mean: encodings.mean, logVariance: encodings.logVariance)
    }
}
