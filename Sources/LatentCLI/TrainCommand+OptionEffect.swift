import ArgumentParser
import LatentModels

extension TrainCommand {
    /// Refuses options given on the command line that the model as configured leaves unused,
    /// because another option switches their part off: a standard deviation for a decoder that
    /// is not the fixed-variance Gaussian, a final rate for a constant schedule, channels for a
    /// model without convolutions, a baseline for the reparameterisation estimator, a decay for
    /// a weight average that is off, momentum for Adam, betas for SGD or RMSProp.
    ///
    /// - Parameter given: the long option names of the command line (``givenOptionNames(_:)``).
    static func checkOptionsTakeEffect(
        given: [String], variational: VariationalConfiguration, options: VariationalTrainingOptions
    ) throws {
        var unused: [String] = []
        if given.contains("--output-std") && variational.likelihood != .gaussian {
            unused.append("--output-std sets the fixed-variance Gaussian decoder's σ; this run's decoder is "
                + "\(variational.likelihood.rawValue) (add --likelihood gaussian)")
        }
        if given.contains("--final-learning-rate") && ![.exponential, .cosine].contains(options.schedule) {
            unused.append("--final-learning-rate is where the exponential and cosine schedules end; this run's "
                + "schedule is \(options.schedule.rawValue) (add --schedule exponential or cosine)")
        }
        if given.contains("--width") && variational.architecture != .convolutional {
            unused.append("--width sets the channels of convolutions; this model has none (add --architecture conv)")
        }
        let baseline = given.filter { $0 == "--baseline" || $0 == "--no-baseline" }
        if let flag = baseline.first, variational.estimator != .scoreFunction {
            unused.append("\(flag) is for the score-function estimator (add --estimator score-function)")
        }
        try refuse(unused)
    }

    /// The adversarial counterpart of ``checkOptionsTakeEffect(given:variational:options:)``.
    static func checkOptionsTakeEffect(
        given: [String], adversarial: AdversarialConfiguration, options: AdversarialTrainingOptions
    ) throws {
        var unused: [String] = []
        if given.contains("--ema-decay") && !adversarial.averagesGenerator {
            unused.append("--ema-decay is the weight average's decay, and the average is off (add --ema)")
        }
        if given.contains("--momentum") && options.optimizer != .sgd {
            unused.append("--momentum is SGD's; this run's optimiser is \(options.optimizer.rawValue) (add --optimizer sgd)")
        }
        for beta in ["--beta1", "--beta2"] where given.contains(beta) && options.optimizer != .adam {
            unused.append("\(beta) is Adam's; this run's optimiser is \(options.optimizer.rawValue) (add --optimizer adam)")
        }
        for option in ["--width", "--fc-width", "--d-negative-slope"]
        where given.contains(option) && adversarial.architecture != .convolutional {
            unused.append("\(option) shapes the convolutional networks; this run's are "
                + "\(adversarial.architecture.rawValue) (add --architecture conv)")
        }
        try refuse(unused)
    }

    private static func refuse(_ unused: [String]) throws {
        guard unused.isEmpty else { throw ValidationError(unused.joined(separator: "; ") + ".") }
    }
}
