import LatentData
import LatentModels
import LatentTensor

/// The encoder's q(z|x) parameters for a whole dataset, in batches without gradients.
enum LatentEncodings {
    /// Means and log-variances, each `[N, latent]`.
    static func encode(
        _ model: VariationalAutoencoder, _ data: Dataset, batchSize: Int
    ) -> (mean: Tensor, logVariance: Tensor) {
        precondition(batchSize >= 1, "batch size must be positive, got \(batchSize)")
        precondition(data.count >= 1, "need at least one example to encode")
        model.eval()
        defer { model.train() }
        return withoutGradients {
            var means: [Tensor] = [], logVariances: [Tensor] = []
            for start in stride(from: 0, to: data.count, by: batchSize) {
                let range = start..<min(start + batchSize, data.count)
                let labels =
                    model.configuration.isConditional ? data.labels.map { Array($0[range]) } : nil
                let (mean, logVariance) = model.encode(
                    data.examples.sliced(range, alongAxis: 0), labels: labels)
                means.append(mean)
                logVariances.append(logVariance)
            }
            return (
                Tensor.concatenate(means, alongAxis: 0),
                Tensor.concatenate(logVariances, alongAxis: 0)
            )
        }
    }
}
