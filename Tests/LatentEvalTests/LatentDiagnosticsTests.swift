import Foundation
import LatentData
import LatentModels
import LatentTensor
import Testing

@testable import LatentEval

/// A tiny VAE on flat 6-value examples, fast enough for debug builds.
func tinyVAE(using generator: inout some RandomNumberGenerator) -> VariationalAutoencoder {
    var configuration = VariationalConfiguration()
    configuration.imageShape = [6]
    configuration.latentDimension = 3
    configuration.hidden = [8]
    return VariationalAutoencoder(configuration, using: &generator)
}

@Suite("Latent diagnostics")
struct LatentDiagnosticsTests {
    var generator = SplitMix64(seed: 9)

    /// Variances of the posterior means per dimension (divisor N) against the 0.01 threshold.
    @Test func activeUnitsCountDimensionsAboveTheThreshold() {
        // Dimension 0 varies with variance 1, dimension 1 is constant, dimension 2 has 0.0025.
        let means = Tensor(
            shape: [4, 3], scalars: [1, 5, 0.05, -1, 5, -0.05, 1, 5, 0.05, -1, 5, -0.05])
        let units = ActiveUnits.measure(means: means)
        #expect(units.count == 1)
        #expect(zip(units.variances, [1, 0, 0.0025]).allSatisfy { abs($0 - $1) < 1e-8 })
    }

    /// KL(N(μ, σ²) ‖ N(0, 1)) per dimension, averaged over rows.
    @Test func klPerDimensionMatchesTheClosedForm() {
        let mean = Tensor(shape: [2, 2], scalars: [0, 1, 0, -1])
        let logVariance = Tensor(shape: [2, 2], scalars: [0, log(4), 0, log(4)])
        let kl = KLPerDimension.average(mean: mean, logVariance: logVariance)
        #expect(abs(kl[0]) < 1e-12)
        #expect(abs(kl[1] - 0.5 * (1 + 4 - log(4.0) - 1)) < 1e-6)
    }

    /// On a model: the per-dimension KLs sum to the KL term of ``VariationalEvaluation`` and
    /// the active units come from the encoder's means.
    @Test mutating func modelDiagnosticsAgreeWithTheEncoder() {
        let model = tinyVAE(using: &generator)
        let data = Dataset(
            name: "tiny", examples: Tensor(randomUniform: [10, 6], using: &generator),
            valueRange: 0...1)
        let kl = KLPerDimension.average(model, on: data, batchSize: 4)
        let evaluation = VariationalEvaluation.measure(model, on: data)
        #expect(kl.count == 3)
        #expect(abs(kl.reduce(0, +) - Double(evaluation.kl)) < 1e-5)
        let units = ActiveUnits.measure(model, on: data, batchSize: 3)
        let means = withoutGradients { model.encode(data.examples).mean }
        // Batches of 3 and one batch of 10 round the GEMMs differently.
        #expect(
            zip(units.variances, ActiveUnits.measure(means: means).variances).allSatisfy {
                abs($0 - $1) < 1e-8
            })
    }

    /// The score-function estimator's encoder gradient varies far more than the
    /// reparameterisation one; the model's own parameters are left as they were.
    @Test mutating func scoreFunctionGradientVariesMore() {
        let model = tinyVAE(using: &generator)
        let before = model.parameters.map(\.value.scalars)
        let images = Tensor(randomBernoulli: [5, 6], probability: 0.5, using: &generator)
        let variance = GradientVariance.compare(model, images: images, draws: 20, using: &generator)
        #expect(variance.reparameterization > 0)
        #expect(variance.ratio > 1)
        #expect(model.parameters.map(\.value.scalars) == before)
        #expect(model.configuration.estimator == .reparameterization)
    }

    /// The twin shares the original's parameter storage.
    @Test mutating func twinSharesParameters() {
        let model = tinyVAE(using: &generator)
        let twin = GradientVariance.twin(of: model, estimator: .scoreFunction)
        #expect(twin.configuration.estimator == .scoreFunction)
        for (copy, original) in zip(twin.parameters, model.parameters) {
            #expect(copy.value.storage === original.value.storage)
        }
    }
}
