import Foundation
import LatentNN

/// The standard metric names of `latent eval`, as its JSON keys.
public enum MetricKey: String, CaseIterable, Sendable {
    /// Negative test ELBO, nats per example.
    case negativeELBO = "neg_elbo"
    /// Importance-sampled negative log-likelihood, nats per example.
    case nll
    /// Standard error of ``nll`` across test examples.
    case nllStandardError = "nll_stderr"
    /// Mean Parzen-window test log-likelihood, nats per example.
    case parzenLogLikelihood = "parzen_ll"
    /// Standard error of ``parzenLogLikelihood``.
    case parzenStandardError = "parzen_stderr"
    /// The Parzen kernel width chosen on the validation set.
    case parzenSigma = "parzen_sigma"
    /// Fréchet distance of classifier features.
    case frechetDistance = "frechet_distance"
    /// `exp(E KL(p(y|x) ‖ p(y)))` under the classifier.
    case classifierScore = "classifier_score"
    /// Fraction of conditional samples classified as their intended label.
    case labelAccuracy = "label_accuracy"
    /// k-NN precision in feature space.
    case precision
    /// k-NN recall in feature space.
    case recall
    /// Number of mixture modes covered by high-quality samples.
    case modesCovered = "modes_covered"
    /// Fraction of samples within 3σ of their nearest mode.
    case highQuality = "high_quality"
    /// KL(mode histogram ‖ uniform), nats.
    case reverseKL = "reverse_kl"
    /// Number of active latent units.
    case activeUnits = "active_units"
    /// ``nll`` in bits per dimension.
    case bitsPerDimension = "bits_per_dim"
}

/// The results of an evaluation, each with what it was measured on, rendered as one JSON
/// object (for machines) or a table (for people).
///
/// JSON: the metric keys in the order recorded, then `"protocol"`, an object from each key to
/// its protocol string. Non-finite numbers are `null`.
public struct EvaluationReport: Sendable, Equatable {
    /// One measured value.
    public enum Value: Sendable, Equatable {
        /// A real number.
        case number(Double)
        /// A count.
        case integer(Int)
        /// A list of numbers (per latent dimension, per mode).
        case numbers([Double])
        /// A text, such as the path of a picture the metric drew.
        case text(String)
    }

    /// One metric's value and protocol.
    public struct Entry: Sendable, Equatable {
        /// The JSON key (a ``MetricKey`` raw value, or an extra name such as `kl_per_dim`).
        public let key: String
        /// The value.
        public let value: Value
        /// What it was measured on and how, in a phrase ("10,000 samples vs 10,000 MNIST test
        /// images, sigma chosen on 1,000 validation images").
        public let `protocol`: String
    }

    /// The entries, in the order recorded; a key recorded again replaces its entry in place.
    public private(set) var entries: [Entry] = []

    /// An empty report.
    public init() {}

    /// Records (or replaces) a metric.
    public mutating func record(_ key: String, _ value: Value, protocol: String) {
        let entry = Entry(key: key, value: value, protocol: `protocol`)
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }

    /// Records (or replaces) a standard metric.
    public mutating func record(_ key: MetricKey, _ value: Double, protocol: String) {
        record(key.rawValue, .number(value), protocol: `protocol`)
    }

    /// Records (or replaces) a standard metric that is a count.
    public mutating func record(_ key: MetricKey, _ value: Int, protocol: String) {
        record(key.rawValue, .integer(value), protocol: `protocol`)
    }

    /// The value recorded under `key`, if any.
    public subscript(key: MetricKey) -> Value? { entries.first { $0.key == key.rawValue }?.value }

    // MARK: - Recording results

    /// `parzen_ll`, `parzen_stderr` and `parzen_sigma`.
    public mutating func record(_ parzen: ParzenResult, protocol: String) {
        record(.parzenLogLikelihood, parzen.meanLogLikelihood, protocol: `protocol`)
        record(.parzenStandardError, parzen.standardError, protocol: `protocol`)
        // The Float's shortest decimal (0.2, not 0.20000000298023224).
        record(
            .parzenSigma, Double("\(parzen.sigma)") ?? Double(parzen.sigma), protocol: `protocol`)
    }

    /// `precision` and `recall`.
    public mutating func record(_ result: PrecisionRecall, protocol: String) {
        record(.precision, result.precision, protocol: `protocol`)
        record(.recall, result.recall, protocol: `protocol`)
    }

    /// `density` and `coverage`.
    public mutating func record(_ result: DensityCoverage, protocol: String) {
        record("density", .number(result.density), protocol: `protocol`)
        record("coverage", .number(result.coverage), protocol: `protocol`)
    }

    /// `modes_covered`, `high_quality` and `reverse_kl`.
    public mutating func record(_ coverage: ModeCoverage, protocol: String) {
        record(.modesCovered, coverage.modesCovered, protocol: `protocol`)
        record(.highQuality, coverage.highQualityFraction, protocol: `protocol`)
        record(.reverseKL, coverage.reverseKL, protocol: `protocol`)
    }

    /// `nll`, `nll_stderr` and `bits_per_dim` from per-example log-likelihood estimates.
    ///
    /// - Parameters:
    ///   - logLikelihood: the mean of log p(x) (negative) and its standard error, nats.
    ///   - dimensions: scalars per example (784 for MNIST), for bits per dimension
    ///     `nll / (dimensions · ln 2)`.
    public mutating func record(logLikelihood: MeanEstimate, dimensions: Int, protocol: String) {
        record(.nll, -logLikelihood.mean, protocol: `protocol`)
        record(.nllStandardError, logLikelihood.standardError, protocol: `protocol`)
        record(
            .bitsPerDimension, -logLikelihood.mean / (Double(dimensions) * M_LN2),
            protocol: `protocol`)
    }

    /// `sample_log_density` and `sample_log_density_stderr`: the exact mean log-density of
    /// samples under a 2-D toy's true density (``ToyLogDensity``), nats, and its standard
    /// error; both `null` in JSON when a sample lies where the density is zero.
    public mutating func record(sampleLogDensity: MeanEstimate, protocol: String) {
        record("sample_log_density", .number(sampleLogDensity.mean), protocol: `protocol`)
        record(
            "sample_log_density_stderr", .number(sampleLogDensity.standardError),
            protocol: `protocol`)
    }

    /// `active_units` (and the per-dimension variances as `active_unit_variances`).
    public mutating func record(_ activeUnits: ActiveUnits, protocol: String) {
        record(.activeUnits, activeUnits.count, protocol: `protocol`)
        record("active_unit_variances", .numbers(activeUnits.variances), protocol: `protocol`)
    }

    /// The score-function and reparameterisation gradient variances and their ratio.
    public mutating func record(_ variance: GradientVariance, protocol: String) {
        record(
            "gradient_variance_reparameterization", .number(variance.reparameterization),
            protocol: `protocol`)
        record(
            "gradient_variance_score_function", .number(variance.scoreFunction),
            protocol: `protocol`)
        record("gradient_variance_ratio", .number(variance.ratio), protocol: `protocol`)
    }

    // MARK: - Rendering

    /// One JSON object on one line: the values by key, then `"protocol"` by key.
    public var json: String {
        let values = entries.map { "\(Self.quoted($0.key)):\(Self.json($0.value))" }
        let protocols = entries.map { "\(Self.quoted($0.key)):\(Self.quoted($0.protocol))" }
        return "{"
            + (values + ["\"protocol\":{" + protocols.joined(separator: ",") + "}"]).joined(
                separator: ",") + "}"
    }

    /// A table for people: metric, value, and what it was measured on.
    public var table: String {
        let rows = entries.map { [$0.key, Self.text($0.value), $0.protocol] }
        let header = ["metric", "value", "measured on"]
        let widths = (0..<2).map { column in (rows + [header]).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells[0].padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
                + cells[1].padding(toLength: widths[1], withPad: " ", startingAt: 0) + "  "
                + cells[2]
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    private static func json(_ value: Value) -> String {
        switch value {
        case .number(let number): return number.isFinite ? "\(number)" : "null"
        case .integer(let integer): return "\(integer)"
        case .numbers(let numbers):
            return "[" + numbers.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
        case .text(let text): return quoted(text)
        }
    }

    private static func text(_ value: Value) -> String {
        switch value {
        case .number(let number): return String(format: "%.4f", number)
        case .integer(let integer): return "\(integer)"
        case .numbers(let numbers):
            return numbers.map { String(format: "%.3g", $0) }.joined(separator: " ")
        case .text(let text): return text
        }
    }

    private static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
