import LatentModels
import LatentNN
import LatentTensor

/// The variance of the encoder's gradient under the two estimators of ``GradientEstimator``,
/// on one minibatch: the reparameterisation `z = μ + σ·ε` against the score function
/// (REINFORCE), the comparison Kingma & Welling 2014 and the VAE literature make.
///
/// For each estimator the model's training loss (``VariationalAutoencoder/objective(_:labels:baseline:using:)``
/// with `configuration.estimator` switched, everything else equal) is differentiated with
/// respect to the encoder's parameters for `draws` independent draws of z; each scalar
/// parameter's gradient gets its sample variance (divisor S − 1) over the draws, and those are
/// averaged over all the encoder's scalars.
public struct GradientVariance: Sendable, Equatable {
    /// The mean per-parameter variance of the reparameterisation gradient.
    public let reparameterization: Double
    /// The mean per-parameter variance of the score-function gradient.
    public let scoreFunction: Double
    /// The number of draws of z per estimator.
    public let draws: Int

    /// Creates a result.
    public init(reparameterization: Double, scoreFunction: Double, draws: Int) {
        self.reparameterization = reparameterization
        self.scoreFunction = scoreFunction
        self.draws = draws
    }

    /// How many times larger the score-function variance is.
    public var ratio: Double { scoreFunction / reparameterization }

    /// The members with both estimators, the ones ``compare(_:images:labels:draws:baseline:using:)``
    /// measures: the AE has no sampling step and the IWAE's bound has no score-function form.
    public static let measurableKinds: [VariationalKind] = [.vae, .betaVAE, .cvae]

    /// Measures both estimators on one minibatch.
    ///
    /// - Parameters:
    ///   - model: a VAE, β-VAE or CVAE (``measurableKinds``). It is not changed: the
    ///     score-function twin shares its parameters' storage.
    ///   - images: the minibatch, `[batch, channels, height, width]` or `[batch, features]`.
    ///   - labels: the batch's labels, for the conditional model.
    ///   - draws: S, independent draws of z per estimator (at least 2).
    ///   - baseline: the constant subtracted from the score function's learning signal (0: the
    ///     plain estimator).
    /// - Precondition: the model's kind is one of ``measurableKinds``, and `draws` is at least 2.
    public static func compare(
        _ model: VariationalAutoencoder, images: Tensor, labels: [Int]? = nil, draws: Int = 100,
        baseline: Float = 0, using generator: inout some RandomNumberGenerator
    ) -> GradientVariance {
        let kind = model.configuration.kind
        precondition(
            measurableKinds.contains(kind),
            "GradientVariance: \(kind.rawValue) has no score-function estimator")
        precondition(draws >= 2, "GradientVariance: need at least 2 draws, got \(draws)")
        return GradientVariance(
            reparameterization: meanVariance(
                twin(of: model, estimator: .reparameterization), images: images, labels: labels,
                draws: draws,
                baseline: baseline, using: &generator),
            scoreFunction: meanVariance(
                twin(of: model, estimator: .scoreFunction), images: images, labels: labels,
                draws: draws,
                baseline: baseline, using: &generator),
            draws: draws)
    }

    /// A model with the given estimator whose parameters share `model`'s storage.
    static func twin(of model: VariationalAutoencoder, estimator: GradientEstimator)
        -> VariationalAutoencoder
    {
        var configuration = model.configuration
        configuration.estimator = estimator
        // The initial values are replaced at once, so any generator will do.
        var unused = SplitMix64(seed: 0)
        let twin = VariationalAutoencoder(configuration, using: &unused)
        for (copy, original) in zip(twin.parameters, model.parameters) {
            copy.value = original.value
        }
        return twin
    }

    /// The per-scalar variance of the encoder's gradient over `draws`, averaged over scalars.
    static func meanVariance(
        _ model: VariationalAutoencoder, images: Tensor, labels: [Int]?, draws: Int,
        baseline: Float,
        using generator: inout some RandomNumberGenerator
    ) -> Double {
        let targets = model.encoderParameters.map(\.value)
        let size = targets.reduce(0) { $0 + $1.scalarCount }
        // Welford's running mean and sum of squared deviations: the reparameterisation
        // gradient's spread can be tiny beside its mean, where Σx² − n·mean² cancels.
        var means = [Double](repeating: 0, count: size)
        var deviations = [Double](repeating: 0, count: size)
        for draw in 1...draws {
            let loss = model.objective(
                images, labels: labels, baseline: baseline, using: &generator
            ).loss
            var offset = 0
            for gradient in loss.gradients(withRespectTo: targets) {
                gradient.withUnsafeScalars { scalars in
                    for index in 0..<scalars.count {
                        let value = Double(scalars[index])
                        let delta = value - means[offset + index]
                        means[offset + index] += delta / Double(draw)
                        deviations[offset + index] += delta * (value - means[offset + index])
                    }
                }
                offset += gradient.scalarCount
            }
        }
        let total = deviations.reduce(0, +) / Double(draws - 1)
        return total / Double(Swift.max(size, 1))
    }
}
