/// What one generator step (with its k discriminator steps) measured; the telemetry of a run.
public struct AdversarialStep: Sendable {
    /// D's (or the critic's) adversarial loss on the last D step, penalty excluded.
    public var discriminatorLoss: Float = .nan
    /// G's loss (feature matching's when that replaces the adversarial one).
    public var generatorLoss: Float = .nan
    /// Mean D(x) on the last real batch: a probability for logistic losses, else the raw score.
    public var realScore: Float = .nan
    /// Mean D(G(z)) on the last generated batch, likewise.
    public var fakeScore: Float = .nan
    /// The critic's estimate of the Wasserstein distance, mean C(x) − mean C(G(z)).
    public var wasserstein: Float?
    /// WGAN-GP's penalty, before its weight.
    public var gradientPenalty: Float?
    /// The mean ‖∇x̂ C(x̂)‖ at the interpolates.
    public var interpolateGradientNorm: Float?
    /// InfoGAN's mutual-information loss on the generator step.
    public var informationLoss: Float?
    /// The joint norm of the generator's gradient.
    public var generatorGradientNorm: Float = .nan

    /// Whether every loss is a finite number.
    public var isFinite: Bool {
        [discriminatorLoss, generatorLoss, gradientPenalty ?? 0, informationLoss ?? 0]
            .allSatisfy(\.isFinite)
    }

    /// The record's fields under their `metrics.jsonl` keys.
    public var fields: [(String, Float)] {
        var fields: [(String, Float)] = [
            ("d_loss", discriminatorLoss), ("g_loss", generatorLoss),
            ("d_real", realScore), ("d_fake", fakeScore),
        ]
        if let wasserstein { fields.append(("wasserstein", wasserstein)) }
        if let gradientPenalty { fields.append(("gradient_penalty", gradientPenalty)) }
        if let interpolateGradientNorm { fields.append(("gp_norm", interpolateGradientNorm)) }
        if let informationLoss { fields.append(("info_loss", informationLoss)) }
        fields.append(("g_grad_norm", generatorGradientNorm))
        return fields
    }

    /// The short form shown in the progress line.
    public var progressFields: [(String, Float)] {
        var shown: [(String, Float)] = [
            ("D", discriminatorLoss), ("G", generatorLoss), ("D(x)", realScore),
            ("D(G(z))", fakeScore),
        ]
        if let wasserstein { shown.append(("W", wasserstein)) }
        if let interpolateGradientNorm { shown.append(("|∇x̂|", interpolateGradientNorm)) }
        if let informationLoss { shown.append(("I", informationLoss)) }
        shown.append(("|∇G|", generatorGradientNorm))
        return shown
    }
}
