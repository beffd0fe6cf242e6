import Foundation

/// Data a variational model cannot score: values outside [0, 1] with a Bernoulli or continuous
/// Bernoulli likelihood (whose log-likelihood is then unbounded above, so the objective runs off
/// to −∞) or with a binarised data protocol (which draws pixels as Bernoulli(x)).
public struct DataRangeError: Error, CustomStringConvertible, Sendable {
    /// The dataset's specification (`toy:ring8`).
    public let dataset: String
    /// The values the data holds (`nil`: it holds NaN).
    public let values: ClosedRange<Float>?
    /// What needs [0, 1]: `the bernoulli likelihood`, `--data-protocol dynamic`.
    public let requirement: String
    /// Why it does.
    public let reason: String
    /// What to use instead.
    public let remedy: String

    /// What is wrong and what to do, in one line.
    public var description: String {
        let found = values.map {
            String(format: "values lie in [%.4g, %.4g]", $0.lowerBound, $0.upperBound)
        }
        return
            "\(dataset): \(found ?? "the data holds NaN"), but \(requirement) needs data in [0, 1] "
            + "(\(reason)); \(remedy)"
    }
}
