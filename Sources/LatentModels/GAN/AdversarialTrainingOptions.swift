import Foundation

/// The optimiser both players use.
public enum AdversarialOptimizer: String, Codable, CaseIterable, Sendable {
    /// SGD with momentum, as the GAN paper.
    case sgd
    /// Adam with the recipe's betas.
    case adam
    /// RMSProp, as WGAN.
    case rmsprop
}

/// How both players' step sizes change over a run.
public enum AdversarialLearningRateDecay: String, Codable, CaseIterable, Sendable {
    /// The step sizes stay as set.
    case none
    /// Each step size falls linearly from its initial value to 0 over the run's steps.
    case linear
    /// Each step size follows half a cosine from its initial value to 0 over the run's steps.
    case cosine

    /// The factor on the initial step size at generator step `step` of `total`.
    public func factor(step: Int, total: Int) -> Float {
        let progress = Float(min(max(step, 0), total)) / Float(max(total, 1))
        switch self {
        case .none: return 1
        case .linear: return 1 - progress
        case .cosine: return Float(0.5 * (1 + cos(Double.pi * Double(progress))))
        }
    }
}

/// The training loop's settings for an adversarial model; stored in `config.json`.
public struct AdversarialTrainingOptions: Codable, Equatable, Sendable {
    /// Generator updates to take.
    public var steps = 10_000
    /// Examples per batch (real and generated alike).
    public var batchSize = 64
    /// Discriminator (critic) updates per generator update: the paper's k.
    public var discriminatorSteps = 1
    /// The optimiser.
    public var optimizer: AdversarialOptimizer = .adam
    /// The generator's step size.
    public var learningRate: Float = 2e-4
    /// The discriminator's step size (default: the generator's).
    public var discriminatorLearningRate: Float?
    /// Adam's β₁.
    public var beta1: Float = 0.5
    /// Adam's β₂.
    public var beta2: Float = 0.999
    /// SGD's momentum.
    public var momentum: Float = 0.5
    /// How the step sizes decay over the run (`nil`: ``AdversarialLearningRateDecay/none``).
    public var learningRateDecay: AdversarialLearningRateDecay?
    /// WGAN's weight clipping: critic weights are clamped to ±c after each update (nil: none).
    public var clipValue: Float?
    /// WGAN-GP's λ (0: no penalty).
    public var penaltyWeight: Float = 0
    /// One-sided label smoothing: real examples are labelled `1 − labelSmoothing`.
    public var labelSmoothing: Float = 0
    /// Train G to match the mean of D's body features on data (Salimans et al. 2016).
    public var featureMatching = false
    /// The decay of the generator's weight average, when the model keeps one.
    public var averageDecay: Float = 0.999
    /// The weight λ of InfoGAN's mutual-information term.
    public var informationWeight: Float = 1
    /// The weight of InfoGAN's continuous codes within that term.
    public var continuousWeight: Float = 0.1
    /// Seeds initialisation, batches, noise and dropout masks.
    public var seed: UInt64 = 1
    /// Steps between records in `metrics.jsonl`.
    public var logEvery = 100
    /// Steps between sample grids (and scatters on 2-D data); 0: only at the end.
    public var sampleEvery = 1000
    /// Steps between checkpoints; 0: only at the end.
    public var checkpointEvery = 1000
    /// Use only the first this-many training examples.
    public var trainingLimit: Int?
    /// In data-parallel training, BatchNorm in G and D normalises with the statistics of the
    /// whole batch, added up over the processes (PyTorch's `SyncBatchNorm`); `nil` or false:
    /// each process's own rows'. In a single process it trains as without it; the trainer
    /// refuses it, however many processes, for a model without BatchNorm, and with a gradient
    /// penalty when D has BatchNorm (no gradients of gradients pass through it).
    public var synchronizedBatchNorm: Bool?

    /// DCGAN's settings.
    public init() {}

    /// The published recipe for `configuration`'s kind and data shape, the training half of
    /// ``AdversarialConfiguration/recipe(_:exampleShape:classCount:)``.
    public static func recipe(for configuration: AdversarialConfiguration) -> AdversarialTrainingOptions {
        recipe(configuration.kind, exampleShape: configuration.exampleShape)
    }

    /// The published recipe of `kind`: optimiser, step sizes, batch size, critic steps and the
    /// Lipschitz constraint.
    ///
    /// For the non-saturating `gan` on 2-D points (`exampleShape` `[2]`) this is the packed
    /// recipe that covers every mode of `toy:ring8`: Adam 2e-3 (0.5, 0.999) for both players,
    /// batches of 256, 12,000 steps with both step sizes decayed linearly to 0, and a generator
    /// weight average with decay 0.995. `exampleShape` is the data's, as the configuration's
    /// (``recipe(for:)`` takes both from a configuration).
    public static func recipe(_ kind: AdversarialKind, exampleShape: [Int])
        -> AdversarialTrainingOptions
    {
        var options = AdversarialTrainingOptions()
        switch kind {
        case .gan where exampleShape.count != 3:
            options.learningRate = 2e-3
            options.batchSize = 256
            options.steps = 12_000
            options.learningRateDecay = .linear
            options.averageDecay = 0.995
        case .gan:
            // Goodfellow et al. 2014's pylearn2 setup: SGD 0.1 with momentum 0.5, batches of 100, k = 1.
            options.optimizer = .sgd
            options.learningRate = 0.1
            options.momentum = 0.5
            options.batchSize = 100
        case .dcgan, .cgan:
            options.batchSize = kind == .dcgan ? 128 : 64
        case .infogan:
            // Chen et al. 2016's MNIST setup: Adam 1e-3 for G (and Q's gradient into G), 2e-4 for D.
            options.batchSize = 64
            options.learningRate = 1e-3
            options.discriminatorLearningRate = 2e-4
        case .wgan:
            options.optimizer = .rmsprop
            options.learningRate = 5e-5
            options.clipValue = 0.01
            options.discriminatorSteps = 5
        case .wganGP:
            options.learningRate = 1e-4
            options.beta2 = 0.9
            options.penaltyWeight = 10
            options.discriminatorSteps = 5
        case .sngan:
            options.beta2 = 0.999
        }
        return options
    }

    /// Checks the values; a user error names the offending option.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ConfigurationError(message) }
        }
        try require(steps > 0, "--steps must be positive, got \(steps)")
        try require(batchSize > 1, "--batch-size must be at least 2, got \(batchSize)")
        try require(discriminatorSteps >= 1, "--d-steps must be at least 1, got \(discriminatorSteps)")
        func positive(_ value: Float) -> Bool { value.isFinite && value > 0 }
        try require(positive(learningRate), "--learning-rate must be positive and finite, got \(learningRate)")
        try require(
            positive(discriminatorLearningRate ?? 1),
            "--d-learning-rate must be positive and finite, got \(discriminatorLearningRate ?? 1)")
        try require((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam's betas must be in [0, 1)")
        try require((0..<1).contains(momentum), "--momentum must be in [0, 1), got \(momentum)")
        try require(positive(clipValue ?? 1), "--clip must be positive and finite, got \(clipValue ?? 1)")
        try require(
            penaltyWeight.isFinite && penaltyWeight >= 0,
            "--penalty-weight must be non-negative and finite, got \(penaltyWeight)")
        try require(
            informationWeight.isFinite && informationWeight >= 0,
            "--info-weight must be non-negative and finite, got \(informationWeight)")
        try require(
            continuousWeight.isFinite && continuousWeight >= 0,
            "the continuous codes' weight must be non-negative and finite, got \(continuousWeight)")
        try require((0..<1).contains(labelSmoothing), "--label-smoothing must be in [0, 1)")
        try require((0..<1).contains(averageDecay), "--ema-decay must be in [0, 1)")
        try require(logEvery > 0, "--log-every must be positive")
        try require(sampleEvery >= 0, "--sample-every must not be negative, got \(sampleEvery)")
        try require(checkpointEvery >= 0, "--checkpoint-every must not be negative, got \(checkpointEvery)")
    }
}
