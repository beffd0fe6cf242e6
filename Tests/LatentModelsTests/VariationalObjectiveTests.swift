import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

/// The variational objectives on fixed inputs. Expected values from
/// `python3 scripts/reference/variational_objectives.py`: numpy in double precision, from the
/// textbook formulas (Bernoulli log-likelihood, Gaussian log-densities, closed-form KL, logsumexp),
/// with the noise the engine draws from `SplitMix64(seed: 11)` reimplemented in the script. The
/// model has one linear layer each way (hidden sizes `[]`), 3 pixels, latent dimension 2, a
/// Bernoulli likelihood and a batch of two; the weights are the script's.
///
/// Tolerance: 1e-5 relative (Float32 arithmetic on values of a few nats).
@Suite("Variational objectives")
struct VariationalObjectiveTests {
    let images = Tensor(shape: [2, 3], scalars: [1, 0, 1, 0.25, 1, 0])
    let labels = [1, 0]

    /// The script's model of `kind`.
    func model(
        _ kind: VariationalKind, beta: Float = 1, samples: Int = 1,
        estimator: GradientEstimator = .reparameterization
    ) -> VariationalAutoencoder {
        var configuration = VariationalConfiguration()
        configuration.kind = kind
        configuration.imageShape = [3]
        configuration.latentDimension = 2
        configuration.hidden = []
        configuration.beta = beta
        configuration.importanceSamples = samples
        configuration.estimator = estimator
        configuration.classCount = kind == .cvae ? 2 : 0
        var generator = SplitMix64(seed: 1)
        let model = VariationalAutoencoder(configuration, using: &generator)
        var encoderWeight: [[Float]] = [
            [0.5, -0.25, 0.75], [-0.5, 0.25, 0.125], [0.25, 0.5, -0.5], [-0.125, -0.25, 0.375],
        ]
        var encoderBias: [Float] = [0.1, -0.2, -0.3, 0.2]
        var decoderWeight: [[Float]] = [[1, -0.5], [0.25, 0.75], [-1.5, 0.5]]
        if kind == .ae {
            // The deterministic code is μ alone: the first two rows.
            encoderWeight = Array(encoderWeight.prefix(2))
            encoderBias = Array(encoderBias.prefix(2))
        }
        if kind == .cvae {
            // The columns that read the one-hot label of 2 classes.
            let encoderLabel: [[Float]] = [[0.3, -0.3], [0.2, 0.1], [-0.4, 0.2], [0.1, 0.5]]
            let decoderLabel: [[Float]] = [[0.5, -0.5], [-0.25, 0.25], [0.1, 0.4]]
            encoderWeight = zip(encoderWeight, encoderLabel).map { $0 + $1 }
            decoderWeight = zip(decoderWeight, decoderLabel).map { $0 + $1 }
        }
        set(model.encoder.layers[0], weight: encoderWeight, bias: encoderBias)
        set(model.decoder.layers[0], weight: decoderWeight, bias: [0.2, -0.1, 0.3])
        return model
    }

    private func set(_ layer: Linear, weight: [[Float]], bias: [Float]) {
        let shape = [weight.count, weight[0].count]
        precondition(
            layer.weight.shape == shape, "weight \(shape) for a layer of \(layer.weight.shape)")
        layer.weight.value = Tensor(shape: shape, scalars: weight.flatMap { $0 })
        layer.bias!.value = Tensor(bias)
    }

    /// The objective with the script's noise (and, for the score function, baseline 0.5).
    func objective(_ model: VariationalAutoencoder, baseline: Float = 0) -> VariationalObjective {
        var generator = SplitMix64(seed: 11)
        return model.objective(
            images, labels: model.configuration.isConditional ? labels : nil, baseline: baseline,
            using: &generator)
    }

    private func expectClose(_ value: Tensor, _ expected: Double, _ what: String) {
        let actual = Double(value.scalar)
        #expect(
            abs(actual - expected) <= 1e-5 * max(1, abs(expected)),
            "\(what): \(actual) vs \(expected)")
    }

    @Test func autoencoderReconstructsFromTheCode() {
        let result = objective(model(.ae))
        expectClose(result.loss, 2.63530106, "ae loss")
        expectClose(result.bound, 2.63530106, "ae bound")
        expectClose(result.kl, 0, "ae KL")
    }

    /// loss = reconstruction + KL for the VAE and reconstruction + β·KL for the β-VAE (β = 3),
    /// whose monitored bound is still the plain negative ELBO.
    @Test(arguments: [
        (VariationalKind.vae, Float(1), 3.67775057),
        (.betaVAE, 3, 4.900513893),
    ])
    func negativeELBOWeighsTheKLByBeta(kind: VariationalKind, beta: Float, loss: Double) {
        let result = objective(model(kind, beta: beta))
        expectClose(result.loss, loss, "\(kind) loss")
        expectClose(result.bound, 3.67775057, "\(kind) bound")
        expectClose(result.reconstruction, 3.066368908, "\(kind) reconstruction")
        expectClose(result.kl, 0.6113816617, "\(kind) KL")
    }

    @Test func conditionalModelSeesTheLabels() {
        let result = objective(model(.cvae))
        expectClose(result.loss, 3.242445488, "cvae loss")
        expectClose(result.reconstruction, 2.712699493, "cvae reconstruction")
        expectClose(result.kl, 0.5297459952, "cvae KL")
    }

    /// −mean_b [logsumexp_k log w_bk − log k] with w = p(x, z_k) / q(z_k|x).
    @Test(arguments: [(2, 4.391453213), (3, 4.410558184)])
    func importanceWeightedBound(samples: Int, expected: Double) {
        let result = objective(model(.iwae, samples: samples))
        expectClose(result.loss, expected, "iwae k = \(samples) loss")
        expectClose(result.bound, expected, "iwae k = \(samples) bound")
    }

    /// The REINFORCE surrogate −(1/B) Σ [(f − b) log q(z|x) + log p(x|z)] at baseline b = 0.5,
    /// its mean learning signal f = log p(x|z) + β(log p(z) − log q(z|x)), and its gradient with
    /// respect to the encoder's bias, −(1/B) Σ (f − b) ∇ log q(z|x) with z held fixed (μ's two
    /// entries, then log σ²'s).
    @Test(arguments: [
        (
            VariationalKind.vae, Float(1), -9.398753352, -4.381497048,
            [-1.14412708, -3.431662686, -2.153379071, 0.766299978]
        ),
        (
            .betaVAE, 3, -16.79877589, -7.011753326,
            [-1.366526477, -6.460462909, -3.467138199, 2.151348735]
        ),
    ])
    func scoreFunctionSurrogate(
        kind: VariationalKind, beta: Float, loss: Double, signal: Double, biasGradient: [Double]
    ) {
        let model = model(kind, beta: beta, estimator: .scoreFunction)
        let result = objective(model, baseline: 0.5)
        expectClose(result.loss, loss, "score-function \(kind) surrogate")
        expectClose(Tensor(result.signal), signal, "score-function \(kind) signal")
        expectClose(result.bound, 3.67775057, "score-function \(kind) bound")
        let bias = model.encoder.layers[0].bias!.value
        let gradient = result.loss.gradients(withRespectTo: [bias])[0]
        for (index, expected) in biasGradient.enumerated() {
            expectClose(Tensor(gradient.scalars[index]), expected, "encoder bias gradient \(index)")
        }
    }
}
