import Foundation

/// What `latent data info` reports about a dataset, as text or JSON.
public struct DatasetSummary: Codable, Equatable, Sendable {
    /// The dataset's name.
    public var name: String
    /// The number of examples.
    public var count: Int
    /// The shape of one example.
    public var exampleShape: [Int]
    /// The smallest and largest value the data may take.
    public var valueRange: [Float]
    /// The number of classes, when labelled.
    public var classCount: Int?
    /// Examples per class, when labelled.
    public var labelCounts: [Int]?
    /// `verified`, or `not applicable` when there are no published checksums.
    public var checksum: String
    /// The mode centres of a Gaussian-mixture toy, `[[x, y], ...]`.
    public var modes: [[Double]]?
    /// The standard deviation of a Gaussian-mixture toy's components.
    public var modeStandardDeviation: Double?
    /// The number of examples in each split that loads (`train`, `test`).
    public var splitCounts: [String: Int]?

    /// Summarises a dataset, with the mixture of a toy when given.
    public init(_ dataset: Dataset, mixture: GaussianMixture2D? = nil) {
        name = dataset.name
        count = dataset.count
        exampleShape = dataset.exampleShape
        valueRange = [dataset.valueRange.lowerBound, dataset.valueRange.upperBound]
        classCount = dataset.classCount
        labelCounts = dataset.labels == nil ? nil : dataset.labelCounts
        checksum = dataset.isChecksumVerified == true ? "verified" : "not applicable"
        modes = mixture?.centres.map { [$0.x, $0.y] }
        modeStandardDeviation = mixture?.standardDeviation
    }

    /// A few aligned lines for a terminal.
    public var text: String {
        var lines = [
            "dataset      \(name)",
            "examples     \(count)",
        ]
        if let splitCounts {
            let parts = DataSplit.allCases.compactMap { split in
                splitCounts[split.rawValue].map { "\(split.rawValue) \($0)" }
            }
            lines.append("splits       " + parts.joined(separator: ", "))
        }
        lines += [
            "shape        \(exampleShape)",
            "values       \(valueRange[0]) ... \(valueRange[1])",
        ]
        if let classCount { lines.append("classes      \(classCount)") }
        if let labelCounts {
            lines.append("per class    " + labelCounts.map(String.init).joined(separator: " "))
        }
        lines.append("checksums    \(checksum)")
        if let modes, let modeStandardDeviation {
            lines.append("modes        \(modes.count), std \(modeStandardDeviation)")
        }
        return lines.joined(separator: "\n")
    }

    /// The summary as one JSON object with sorted keys.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
