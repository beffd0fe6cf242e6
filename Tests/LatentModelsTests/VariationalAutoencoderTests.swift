import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing
import TestSupport

@testable import LatentModels

/// A tiny model on flat 6-pixel "images", fast enough for debug builds.
func tinyConfiguration(_ kind: VariationalKind = .vae, likelihood: Likelihood = .bernoulli) -> VariationalConfiguration {
    var configuration = VariationalConfiguration()
    configuration.kind = kind
    configuration.imageShape = [6]
    configuration.latentDimension = 2
    configuration.hidden = [8]
    configuration.likelihood = likelihood
    if kind == .cvae { configuration.classCount = 3 }
    return configuration
}

@Suite("VariationalAutoencoder")
struct VariationalAutoencoderTests {
    var generator = SplitMix64(seed: 5)

    @Test mutating func parameterNamesFollowTheEncoderAndDecoder() {
        let model = VariationalAutoencoder(VariationalConfiguration(), using: &generator)
        #expect(model.namedParameters.map(\.name) == [
            "encoder.layers.0.weight", "encoder.layers.0.bias", "encoder.layers.1.weight", "encoder.layers.1.bias",
            "decoder.layers.0.weight", "decoder.layers.0.bias", "decoder.layers.1.weight", "decoder.layers.1.bias",
        ])
        // PyTorch's example: 784-400-(20+20) and 20-400-784.
        #expect(model.namedParameters.map(\.parameter.shape) == [[400, 784], [400], [40, 400], [40], [400, 20], [400], [784, 400], [784]])
    }

    /// KL(N(μ, σ²) ‖ N(0, 1)) in closed form against a Monte-Carlo average of log q − log p.
    /// Tolerance: 0.05 nats with 200,000 draws (the estimate's standard error is about 0.005).
    @Test mutating func analyticKLMatchesMonteCarlo() {
        let mean = Tensor(shape: [1, 3], scalars: [0.5, -1, 2])
        let logVariance = Tensor(shape: [1, 3], scalars: [-1, 0.3, -2])
        let analytic = klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance, reduction: .sum).scalar
        let draws = 200_000
        let noise = Tensor(randomNormal: [draws, 3], using: &generator)
        let z = mean + (0.5 * logVariance).exp() * noise
        let logQ = diagonalGaussianLogDensity(z, mean: mean, logVariance: logVariance)
        let logP = diagonalGaussianLogDensity(z, mean: Tensor(0), logVariance: Tensor(0))
        let estimate = (logQ - logP).mean().scalar
        #expect(abs(analytic - estimate) < 0.05, "analytic \(analytic), Monte Carlo \(estimate)")
    }

    /// A linear-Gaussian model p(z) = N(0, I), p(x|z) = N(Wz + b, σ²I) has
    /// p(x) = N(b, WWᵀ + σ²I). With orthogonal columns of W the exact posterior is a diagonal
    /// Gaussian linear in x, which the encoder can hold exactly: then every importance weight
    /// equals p(x). A perturbed encoder needs many samples: 5,000 get within 0.05 nats.
    @Test mutating func importanceSamplingRecoversTheExactLikelihoodOfALinearGaussianModel() throws {
        var configuration = VariationalConfiguration()
        configuration.imageShape = [3]
        configuration.latentDimension = 2
        configuration.hidden = []
        configuration.likelihood = .gaussian
        configuration.outputStandardDeviation = 0.5
        let model = VariationalAutoencoder(configuration, using: &generator)
        // W (3×2) with orthogonal columns of norms 2 and 1; b = (0.1, −0.2, 0.3).
        let w: [[Double]] = [[2, 0], [0, 1], [0, 0]]
        let b: [Double] = [0.1, -0.2, 0.3]
        let sigma2 = 0.25
        model.decoder.layers[0].weight.value = Tensor(shape: [3, 2], scalars: w.flatMap { $0.map(Float.init) })
        model.decoder.layers[0].bias!.value = Tensor(b.map(Float.init))
        // Exact posterior: Σ = diag(1 / (1 + ‖w_j‖²/σ²)), mean = Σ Wᵀ (x − b) / σ².
        let norms = [4.0, 1.0]
        let variances = norms.map { 1 / (1 + $0 / sigma2) }
        var encoderWeight = [Float](repeating: 0, count: 4 * 3)
        var encoderBias = [Float](repeating: 0, count: 4)
        for j in 0..<2 {
            for i in 0..<3 { encoderWeight[j * 3 + i] = Float(variances[j] * w[i][j] / sigma2) }
            encoderBias[j] = Float(-(0..<3).map { variances[j] * w[$0][j] * b[$0] / sigma2 }.reduce(0, +))
            encoderBias[2 + j] = Float(Foundation.log(variances[j]))
        }
        model.encoder.layers[0].weight.value = Tensor(shape: [4, 3], scalars: encoderWeight)
        model.encoder.layers[0].bias!.value = Tensor(encoderBias)

        let points: [[Double]] = [[0.5, 0.1, 0.2], [-1.5, 0.7, 0.4], [3, -1, 0.1]]
        let exact = points.map { exactLinearGaussianLogDensity($0, w: w, b: b, sigma2: sigma2) }
        let data = LatentData.Dataset(name: "points", examples: Tensor(shape: [3, 3], scalars: points.flatMap { $0.map(Float.init) }), valueRange: -3...3)
        let tight = ImportanceSampledLikelihood.estimate(model, on: data, samples: 7, chunk: 3)
        for (estimate, truth) in zip(tight, exact) {
            #expect(abs(Double(estimate) - truth) < 1e-3, "exact posterior: \(estimate) vs \(truth)")
        }
        // Perturb the encoder: the estimate is now a stochastic lower bound that tightens with k.
        model.encoder.layers[0].bias!.updateInPlace { $0[0] += 0.3; $0[2] += 0.5 }
        let loose = ImportanceSampledLikelihood.estimate(model, on: data, samples: 5000, chunk: 1000)
        for (estimate, truth) in zip(loose, exact) {
            #expect(abs(Double(estimate) - truth) < 0.05, "perturbed encoder, k = 5000: \(estimate) vs \(truth)")
        }
    }

    /// log N(x; b, WWᵀ + σ²I) for 3-D x, in Double.
    private func exactLinearGaussianLogDensity(_ x: [Double], w: [[Double]], b: [Double], sigma2: Double) -> Double {
        var c = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            for j in 0..<3 { c[i][j] = (0..<2).map { w[i][$0] * w[j][$0] }.reduce(0, +) + (i == j ? sigma2 : 0) }
        }
        let det = c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) - c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0])
            + c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0])
        var inverse = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            for j in 0..<3 {
                let rows = [0, 1, 2].filter { $0 != j }, columns = [0, 1, 2].filter { $0 != i }
                let minor = c[rows[0]][columns[0]] * c[rows[1]][columns[1]] - c[rows[0]][columns[1]] * c[rows[1]][columns[0]]
                inverse[i][j] = ((i + j) % 2 == 0 ? 1 : -1) * minor / det
            }
        }
        let d = zip(x, b).map { $0 - $1 }
        let quadratic = (0..<3).map { i in (0..<3).map { j in d[i] * inverse[i][j] * d[j] }.reduce(0, +) }.reduce(0, +)
        return -0.5 * (quadratic + Foundation.log(det) + 3 * Foundation.log(2 * Double.pi))
    }

    /// E[log (1/k) Σ w_k] is non-decreasing in k (Burda et al. 2016, Theorem 1): averaged over
    /// many draws, the bounds for k = 1, 5, 50 are ordered.
    @Test mutating func importanceWeightedBoundIncreasesWithSamples() {
        let model = VariationalAutoencoder(tinyConfiguration(.iwae), using: &generator)
        let x = Tensor(randomBernoulli: [32, 6], probability: 0.5, using: &generator)
        let (mean, logVariance) = withoutGradients { model.encode(x) }
        func bound(_ k: Int) -> Float {
            var total: Float = 0
            for _ in 0..<20 {
                let weights = withoutGradients {
                    model.importanceLogWeights(x, labels: nil, mean: mean, logVariance: logVariance, samples: k, using: &generator)
                }
                total += (weights.logSumExp(alongAxis: 0) - Foundation.log(Float(k))).mean().scalar
            }
            return total / 20
        }
        let (b1, b5, b50) = (bound(1), bound(5), bound(50))
        #expect(b1 < b5 && b5 < b50, "bounds \(b1), \(b5), \(b50)")
    }

    @Test mutating func conditionalSamplesDependOnTheLabel() {
        let model = VariationalAutoencoder(tinyConfiguration(.cvae), using: &generator)
        let codes = Tensor(randomNormal: [4, 2], using: &generator)
        let zero = withoutGradients { model.decodeMean(codes, labels: [0, 0, 0, 0]) }
        let two = withoutGradients { model.decodeMean(codes, labels: [2, 2, 2, 2]) }
        #expect((zero - two).abs().max().scalar > 1e-3)
        #expect(zero.shape == [4, 6])
    }

    /// The continuous Bernoulli density integrates to 1 over [0, 1] for several logits
    /// (midpoint rule on 2,000 cells; tolerance 1e-3), including logits near 0.
    @Test func continuousBernoulliIsNormalised() {
        for logit: Float in [-4, -0.5, 0, 0.004, 1.5, 6] {
            let cells = 2000
            let x = Tensor(shape: [cells, 1], scalars: (0..<cells).map { (Float($0) + 0.5) / Float(cells) })
            let density = Likelihood.continuousBernoulli.logProbability(of: x, parameters: Tensor(shape: [cells, 1], repeating: logit)).exp()
            let integral = density.sum().scalar / Float(cells)
            #expect(abs(integral - 1) < 1e-3, "logit \(logit): ∫ p = \(integral)")
        }
    }

    /// Parameters holding k draws per example (sample-major) are scored against the data tiled
    /// k times, for every likelihood, without the caller copying the data (tolerance 1e-4).
    @Test mutating func likelihoodOfSeveralDrawsPerExampleTilesTheData() {
        let x = Tensor(randomUniform: [3, 5], lowerBound: 0.05, upperBound: 0.95, using: &generator)
        let tiled = x.expanded(to: [4, 3, 5]).reshaped(to: [12, 5])
        for likelihood in Likelihood.allCases {
            let parameters = Tensor(randomNormal: [12, 5 * likelihood.outputsPerPixel], using: &generator)
            let drawn = likelihood.logProbability(of: x, parameters: parameters, fixedStandardDeviation: 0.7)
            let copied = likelihood.logProbability(of: tiled, parameters: parameters, fixedStandardDeviation: 0.7)
            #expect(drawn.shape == [12])
            #expect((drawn - copied).abs().max().scalar < 1e-4, "\(likelihood)")
        }
    }

    /// Every likelihood's log-probability has correct gradients with respect to its parameters.
    @Test mutating func likelihoodGradientsMatchFiniteDifferences() {
        let x = Tensor(randomUniform: [3, 4], lowerBound: 0.05, upperBound: 0.95, using: &generator)
        for likelihood in Likelihood.allCases {
            let parameters = Tensor(randomNormal: [3, 4 * likelihood.outputsPerPixel], using: &generator)
            let error = GradientCheck.maximumError(at: [parameters]) {
                likelihood.logProbability(of: x, parameters: $0[0], fixedStandardDeviation: 0.7)
            }
            #expect(error < 2e-2, "\(likelihood): \(error)")
        }
    }
}
