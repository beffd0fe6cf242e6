import Testing

@testable import LatentModels

/// Settings that config.json cannot hold (JSON has no NaN or infinity) and no training can use
/// are refused by the library's own checks too, naming the option.
@Suite("Non-finite settings")
struct NonFiniteSettingsTests {
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func adversarialTrainingOptionsRefuseThem(value: Float) {
        let settings: [(String, (inout AdversarialTrainingOptions) -> Void)] = [
            ("--learning-rate", { $0.learningRate = value }),
            ("--d-learning-rate", { $0.discriminatorLearningRate = value }),
            ("--momentum", { $0.momentum = value }),
            ("--clip", { $0.clipValue = value }),
            ("--penalty-weight", { $0.penaltyWeight = value }),
            ("--info-weight", { $0.informationWeight = value }),
            ("--ema-decay", { $0.averageDecay = value }),
        ]
        for (flag, set) in settings {
            var options = AdversarialTrainingOptions()
            set(&options)
            do {
                try options.validate()
                Issue.record("\(flag) \(value) was accepted")
            } catch {
                #expect(error is ConfigurationError && "\(error)".hasPrefix(flag), "\(error)")
            }
        }
    }

    @Test(arguments: [Float.nan, .infinity])
    func variationalConfigurationRefusesThem(value: Float) {
        var configuration = VariationalConfiguration()
        configuration.outputStandardDeviation = value
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = VariationalConfiguration()
        configuration.beta = value
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
