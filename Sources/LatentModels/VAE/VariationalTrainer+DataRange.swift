import LatentData

extension Likelihood {
    /// Whether the likelihood is a density (or mass function) only for data in [0, 1]: the
    /// Bernoulli and continuous Bernoulli, whose log-likelihood grows without bound in the logits
    /// for a value outside it.
    public var requiresUnitInterval: Bool { self == .bernoulli || self == .continuousBernoulli }

    /// The likelihood `latent train` uses when none is given: Bernoulli for data in [0, 1]
    /// (images), else the fixed-variance Gaussian (the 2-D toys, any real-valued data).
    public static func suited(to data: [Dataset]) -> Likelihood {
        VariationalTrainer.liesInUnitInterval(data) ? .bernoulli : .gaussian
    }
}

extension VariationalTrainer {
    /// Refuses data outside [0, 1] with a Bernoulli-type likelihood or a binarised protocol,
    /// checking the values the examples hold.
    ///
    /// - Parameters:
    ///   - data: the training and test sets.
    ///   - dataset: the dataset's specification, for the message.
    ///   - likelihood: the decoder's distribution.
    ///   - dataProtocol: how the data is presented.
    /// - Throws: ``DataRangeError``, one line naming the dataset, its values, what needs [0, 1]
    ///   and what to use instead.
    public static func checkValueRange(
        of data: [Dataset], dataset: String, likelihood: Likelihood, dataProtocol: DataPresentation
    ) throws {
        guard !liesInUnitInterval(data) else { return }
        let values = observedRange(data)
        if dataProtocol != .intensities {
            throw DataRangeError(
                dataset: dataset, values: values,
                requirement: "--data-protocol \(dataProtocol.rawValue)",
                reason: "it draws each pixel as Bernoulli(x)",
                remedy:
                    "use --data-protocol intensities with --likelihood gaussian or gaussian-learned"
            )
        }
        if likelihood.requiresUnitInterval {
            throw DataRangeError(
                dataset: dataset, values: values,
                requirement: "the \(likelihood.rawValue) likelihood",
                reason: "outside it the objective is unbounded below",
                remedy: "use --likelihood gaussian or gaussian-learned")
        }
    }

    /// The values all of `data` holds, `nil` when any holds NaN (`0...0` for no values at all).
    static func observedRange(_ data: [Dataset]) -> ClosedRange<Float>? {
        var low = Float.infinity, high = -Float.infinity
        for set in data where set.examples.scalarCount > 0 {
            guard let range = set.observedRange else { return nil }
            low = min(low, range.lowerBound)
            high = max(high, range.upperBound)
        }
        return low <= high ? low...high : 0...0
    }

    static func liesInUnitInterval(_ data: [Dataset]) -> Bool {
        guard let range = observedRange(data) else { return false }
        return range.lowerBound >= 0 && range.upperBound <= 1
    }
}
