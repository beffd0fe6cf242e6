import Foundation
import LatentData
import LatentNN
import LatentTensor

/// The negative ELBO of a variational model on a dataset and its two terms, nats per example.
public struct VariationalEvaluation: Sendable {
    /// −ELBO = reconstruction + KL (for the AE: the reconstruction term alone).
    public let negativeELBO: Float
    /// −E_q log p(x|z), one draw of z per example.
    public let reconstruction: Float
    /// KL(q(z|x) ‖ p(z)), analytic.
    public let kl: Float
    /// The number of examples measured.
    public let count: Int

    /// Measures the model on `data` in batches of `batchSize`, without gradients.
    public static func measure(
        _ model: VariationalAutoencoder, on data: Dataset, batchSize: Int = 1000, seed: UInt64 = 0
    ) -> VariationalEvaluation {
        let sums = summed(model, on: data, batchSize: batchSize, seed: seed)
        return VariationalEvaluation(reconstructionSum: sums.reconstruction, klSum: sums.kl, count: data.count)
    }

    /// The reconstruction term and the KL summed over `data`'s examples, in nats, for
    /// ``measure(_:on:batchSize:seed:)`` and for ranks that each measure a share of a test set.
    static func summed(
        _ model: VariationalAutoencoder, on data: Dataset, batchSize: Int = 1000, seed: UInt64 = 0
    ) -> (reconstruction: Double, kl: Double) {
        model.eval()
        defer { model.train() }
        var generator = SplitMix64(seed: seed).derived(0xE7A1)
        var reconstruction = 0.0, kl = 0.0
        withoutGradients {
            for start in stride(from: 0, to: data.count, by: batchSize) {
                let range = start..<min(start + batchSize, data.count)
                let x = model.flat(data.examples.sliced(range, alongAxis: 0))
                let labels = data.labels.map { Array($0[range]) }
                let (mean, logVariance) = model.encode(x, labels: model.configuration.isConditional ? labels : nil)
                let isAutoencoder = model.configuration.kind == .ae
                let codes = isAutoencoder ? mean : model.reparameterize(mean: mean, logVariance: logVariance, using: &generator)
                let logLikelihood = model.configuration.likelihood.logProbability(
                    of: x, parameters: model.decode(codes, labels: model.configuration.isConditional ? labels : nil),
                    fixedStandardDeviation: model.configuration.outputStandardDeviation)
                reconstruction -= Double(logLikelihood.sum().scalar)
                if !isAutoencoder {
                    kl += Double(klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance, reduction: .sum).scalar)
                }
            }
        }
        return (reconstruction, kl)
    }
}

extension VariationalEvaluation {
    /// The figures of sums over `count` examples (nats per example; `count` 0 counts as 1).
    init(reconstructionSum reconstruction: Double, klSum kl: Double, count: Int) {
        let divisor = Double(max(count, 1))
        self.init(negativeELBO: Float((reconstruction + kl) / divisor), reconstruction: Float(reconstruction / divisor),
                  kl: Float(kl / divisor), count: count)
    }
}

/// The importance-sampled estimate of log p(x) (Burda et al. 2016, eq. 8):
/// `log p(x) ≈ logsumexp_k [log p(x, z_k) − log q(z_k|x)] − log k`, with z_k ~ q(z|x).
public enum ImportanceSampledLikelihood {
    /// Per-example estimates of log p(x), nats, computed in chunks of samples and examples so
    /// memory stays bounded whatever `samples` is.
    ///
    /// - Parameters:
    ///   - samples: k, the number of importance samples (5000 in the standard protocol).
    ///   - chunk: samples evaluated at once per example batch.
    ///   - batchSize: examples per batch.
    /// - Returns: `[count]` log-likelihoods (negative numbers; NLL is their negation).
    public static func estimate(
        _ model: VariationalAutoencoder, on data: Dataset, samples: Int, chunk: Int = 100, batchSize: Int = 100,
        seed: UInt64 = 0, progress: ((Int) -> Void)? = nil
    ) -> [Float] {
        precondition(samples >= 1, "importance samples must be at least 1")
        precondition(model.configuration.kind != .ae, "the deterministic autoencoder defines no likelihood")
        model.eval()
        defer { model.train() }
        var generator = SplitMix64(seed: seed).derived(0x1715)
        var result: [Float] = []
        result.reserveCapacity(data.count)
        withoutGradients {
            for start in stride(from: 0, to: data.count, by: batchSize) {
                let range = start..<min(start + batchSize, data.count)
                let x = model.flat(data.examples.sliced(range, alongAxis: 0))
                let labels = model.configuration.isConditional ? data.labels.map { Array($0[range]) } : nil
                let (mean, logVariance) = model.encode(x, labels: labels)
                // A running logsumexp over chunks: keep the max and the sum of exp(w − max).
                var running: Tensor? = nil
                var drawn = 0
                while drawn < samples {
                    let count = min(chunk, samples - drawn)
                    let weights = model.importanceLogWeights(
                        x, labels: labels, mean: mean, logVariance: logVariance, samples: count, using: &generator)
                    let chunkLSE = weights.logSumExp(alongAxis: 0, keepingDimensions: true)
                    running = running.map { Tensor.concatenate([$0, chunkLSE], alongAxis: 0).logSumExp(alongAxis: 0, keepingDimensions: true) } ?? chunkLSE
                    drawn += count
                }
                let estimate = running!.reshaped(to: [range.count]) - Float.log(Float(samples))
                result.append(contentsOf: estimate.scalars)
                progress?(range.upperBound)
            }
        }
        return result
    }
}
