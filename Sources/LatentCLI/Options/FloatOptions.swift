import ArgumentParser

/// The values a floating-point option accepts; NaN and the infinities never are.
enum FloatRange {
    /// Finite and above 0 (step sizes, standard deviations, ε).
    case positive
    /// Finite and at least 0 (weights of loss terms).
    case nonNegative
    /// In [0, 1) (decays, momenta, probabilities, slopes).
    case fraction

    /// Whether `value` lies in the range.
    func contains(_ value: Float) -> Bool {
        switch self {
        case .positive: value.isFinite && value > 0
        case .nonNegative: value.isFinite && value >= 0
        case .fraction: value >= 0 && value < 1
        }
    }

    /// The range in words, after "must be".
    var phrase: String {
        switch self {
        case .positive: "a positive finite number"
        case .nonNegative: "a finite number of at least 0"
        case .fraction: "in [0, 1)"
        }
    }
}

extension TrainCommand {
    /// Every floating-point option of `latent train` with the values it accepts (a test checks
    /// that none is left out).
    var floatOptions: [(flag: String, value: Float?, range: FloatRange)] {
        [
            ("--learning-rate", learningRate, .positive),
            ("--learning-rate-decay", learningRateDecay, .positive),
            ("--classifier-dropout", classifierDropout, .fraction),
            ("--output-std", variational.outputStd, .positive),
            ("--beta", variational.beta, .nonNegative),
            ("--final-learning-rate", variational.finalLearningRate, .positive),
            ("--adam-epsilon", variational.adamEpsilon, .positive),
            ("--d-learning-rate", adversarial.discriminatorLearningRate, .positive),
            ("--beta1", adversarial.beta1, .fraction),
            ("--beta2", adversarial.beta2, .fraction),
            ("--momentum", adversarial.momentum, .fraction),
            ("--clip", adversarial.clip, .positive),
            ("--penalty-weight", adversarial.penaltyWeight, .nonNegative),
            ("--label-smoothing", adversarial.labelSmoothing, .fraction),
            ("--ema-decay", adversarial.emaDecay, .fraction),
            ("--dropout", adversarial.dropout, .fraction),
            ("--g-negative-slope", adversarial.generatorNegativeSlope, .fraction),
            ("--d-negative-slope", adversarial.discriminatorNegativeSlope, .fraction),
            ("--info-weight", adversarial.infoWeight, .nonNegative),
        ]
    }

    /// Refuses a floating-point option outside its range, NaN and the infinities included, in
    /// one line naming the option and the value.
    func validateFloatOptions() throws {
        for option in floatOptions {
            if let value = option.value, !option.range.contains(value) {
                throw ValidationError(
                    "\(option.flag) must be \(option.range.phrase), got \(value).")
            }
        }
    }
}
