import LatentTensor

/// The decoder's output distribution p(x|z), one per pixel, independent across pixels.
public enum Likelihood: String, Codable, CaseIterable, Sendable {
    /// Bernoulli with logits; for binarised data, or [0, 1] intensities as PyTorch's VAE example
    /// uses them (binary cross-entropy summed over pixels).
    case bernoulli
    /// Gaussian with mean from the decoder and a fixed standard deviation.
    case gaussian
    /// Gaussian with per-pixel mean and log-variance from the decoder.
    case gaussianLearnedVariance = "gaussian-learned"
    /// The continuous Bernoulli (Loaiza-Ganem & Cunningham 2019), a proper density on [0, 1].
    case continuousBernoulli = "continuous-bernoulli"

    /// How many decoder outputs each pixel needs (2 for mean and log-variance).
    public var outputsPerPixel: Int { self == .gaussianLearnedVariance ? 2 : 1 }

    /// `log p(x | parameters)` summed over the pixels of each example.
    ///
    /// The parameters may hold several draws per example, stacked sample-major (`k` blocks of
    /// `batch` rows, as ``VariationalAutoencoder/reparameterize(mean:logVariance:samples:using:)``
    /// makes them); each block is then scored against the same data, without copying it.
    ///
    /// - Parameters:
    ///   - data: `[batch, features]` observations.
    ///   - parameters: `[k · batch, features · outputsPerPixel]` decoder outputs (logits, means,
    ///     or means followed by log-variances), `k ≥ 1`.
    ///   - fixedStandardDeviation: σ of the fixed-variance Gaussian.
    /// - Returns: `[k · batch]` log-likelihoods in nats.
    public func logProbability(
        of data: Tensor, parameters: Tensor, fixedStandardDeviation: Float = 1
    ) -> Tensor {
        let batch = data.shape[0], rows = parameters.shape[0]
        precondition(batch > 0 && rows % batch == 0,
                     "logProbability: parameters \(parameters.shape) are not draws for data \(data.shape)")
        switch self {
        case .bernoulli:
            // x·l − softplus(l) = −BCE(l, x) summed per row, in one fused pass.
            return -parameters.sigmoidCrossEntropyRowSums(labels: data)
        case .continuousBernoulli:
            let bernoulli = -parameters.sigmoidCrossEntropyRowSums(labels: data)
            return bernoulli + Likelihood.continuousBernoulliLogNormalizer(logits: parameters).sum(alongAxis: 1)
        case .gaussian:
            let data = Likelihood.tiled(data, rows: rows)
            let variance = fixedStandardDeviation * fixedStandardDeviation
            let constant = Float(data.shape[1]) * 0.5 * Float.log(2 * Float.pi * variance)
            return -0.5 * (data - parameters).squared().sum(alongAxis: 1) / variance - constant
        case .gaussianLearnedVariance:
            let data = Likelihood.tiled(data, rows: rows)
            let features = data.shape[1]
            let halves = parameters.split(sizes: [features, features], alongAxis: 1)
            // Bounded log-variance keeps the density finite when a pixel is constant.
            let logVariance = halves[1].clamped(min: -7, max: 7)
            let perPixel = (data - halves[0]).squared() / logVariance.exp() + logVariance
            return -0.5 * (perPixel.sum(alongAxis: 1) + Float(features) * Float.log(2 * Float.pi))
        }
    }

    /// `data` `[batch, features]` repeated block-wise to `rows` rows (one block per draw).
    private static func tiled(_ data: Tensor, rows: Int) -> Tensor {
        let batch = data.shape[0]
        return rows == batch ? data : data.expanded(to: [rows / batch] + data.shape).reshaped(to: [rows, data.shape[1]])
    }

    /// The mean of p(x|z) per pixel, in the data's range, from the decoder outputs.
    public func mean(parameters: Tensor, features: Int) -> Tensor {
        switch self {
        case .bernoulli: return parameters.sigmoid()
        case .gaussian: return parameters
        case .gaussianLearnedVariance: return parameters.sliced(0..<features, alongAxis: 1)
        case .continuousBernoulli:
            // E[x] = λ/(2λ−1) + 1/(2 artanh(1−2λ)); with logits l this is 1/(1−e^{−l}) − 1/l,
            // which tends to 1/2 at l = 0.
            let small = parameters.abs() .< 1e-3
            let safe = Tensor.where(small, Tensor(1), parameters)
            let exact = 1 / (1 - (-safe).exp()) - 1 / safe
            return Tensor.where(small, 0.5 + parameters / 12, exact)
        }
    }

    /// `log C(λ)` of the continuous Bernoulli with logits `l`: `log(l / tanh(l/2))`, which is
    /// `log 2 + l²/12 + …` near 0; computed without 0/0 so its gradient stays finite.
    static func continuousBernoulliLogNormalizer(logits: Tensor) -> Tensor {
        let small = logits.abs() .< 1e-2
        let safe = Tensor.where(small, Tensor(1), logits)
        let exact = (safe / (safe * 0.5).tanh()).log()
        let series = Float.log(2) + logits.squared() / 12
        return Tensor.where(small, series, exact)
    }
}

extension Float {
    @inline(__always) static func log(_ x: Float) -> Float { Float(Foundation.log(Double(x))) }
}

import Foundation
