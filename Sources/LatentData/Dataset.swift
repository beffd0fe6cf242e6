import LatentTensor

/// A set of examples held in memory: images `[count, channels, height, width]` or points
/// `[count, dimensions]`, optional integer labels, and what a model needs to know about them.
public struct Dataset: Sendable {
    /// A short name for logs and reports (`mnist-train`, `toy:ring8`).
    public var name: String
    /// All examples stacked along axis 0.
    public var examples: Tensor
    /// One class index per example, when the data has classes.
    public var labels: [Int]?
    /// The number of classes (labels lie in `0..<classCount`), when the data has classes.
    public var classCount: Int?
    /// The interval the values lie in (`0...1` for images).
    public var valueRange: ClosedRange<Float>
    /// The class names in label order (image-folder sub-folders, MNIST digits), when known.
    public var classNames: [String]?
    /// Whether the files were checked against published SHA-256 sums (`nil`: nothing to check).
    public var isChecksumVerified: Bool?

    /// Creates a dataset.
    ///
    /// - Parameters:
    ///   - name: A short name for logs.
    ///   - examples: All examples, `[count, ...]`.
    ///   - labels: One label per example in `0..<classCount`, or `nil`.
    ///   - classCount: The number of classes; defaults to the largest label plus one.
    ///   - valueRange: The interval the values lie in.
    ///   - classNames: The class names in label order, when known.
    ///   - isChecksumVerified: Whether the source files passed a checksum test (`nil`: none).
    /// - Precondition: `labels`, when given, holds one entry per example.
    public init(
        name: String, examples: Tensor, labels: [Int]? = nil, classCount: Int? = nil,
        valueRange: ClosedRange<Float>, classNames: [String]? = nil,
        isChecksumVerified: Bool? = nil
    ) {
        precondition(!examples.shape.isEmpty, "examples need a leading count axis, got []")
        if let labels {
            precondition(
                labels.count == examples.shape[0],
                "\(labels.count) labels for examples of shape \(examples.shape)")
        }
        self.name = name
        self.examples = examples
        self.labels = labels
        self.classCount = classCount ?? labels.map { ($0.max() ?? -1) + 1 }
        self.valueRange = valueRange
        self.classNames = classNames
        self.isChecksumVerified = isChecksumVerified
    }

    /// The number of examples.
    public var count: Int { examples.shape[0] }

    /// The shape of one example (`[1, 28, 28]` for MNIST, `[2]` for a toy).
    public var exampleShape: [Int] { Array(examples.shape.dropFirst()) }

    /// The number of scalars in one example.
    public var exampleSize: Int { exampleShape.reduce(1, *) }

    /// The examples in `range`, with their labels, in order.
    ///
    /// - Precondition: `range` lies within `0..<count`.
    public func subset(_ range: Range<Int>) -> Dataset {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= count,
            "range \(range) outside 0..<\(count)")
        var result = self
        result.examples = examples.sliced(range, alongAxis: 0)
        result.labels = labels.map { Array($0[range]) }
        return result
    }

    /// The examples at `indices`, with their labels, in that order.
    public func subset(indices: [Int]) -> Dataset {
        var result = self
        result.examples = examples.gathered(indices: indices, alongAxis: 0)
        result.labels = labels.map { labels in indices.map { labels[$0] } }
        return result
    }

    /// Splits off the last `validationCount` examples as a validation set, keeping the order.
    ///
    /// MNIST's standard split is `mnistTrain.split(validationCount: 10_000)`: training examples
    /// 0..<50000 and validation examples 50000..<60000.
    ///
    /// - Precondition: `0 <= validationCount <= count`.
    public func split(validationCount: Int) -> (training: Dataset, validation: Dataset) {
        precondition(
            (0...count).contains(validationCount),
            "validationCount \(validationCount) for \(count) examples")
        var training = subset(0..<(count - validationCount))
        var validation = subset((count - validationCount)..<count)
        training.name += "[0:\(count - validationCount)]"
        validation.name += "[\(count - validationCount):]"
        return (training, validation)
    }

    /// How many examples carry each label, indexed by label (empty without labels).
    public var labelCounts: [Int] {
        guard let labels, let classCount else { return [] }
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels where (0..<classCount).contains(label) { counts[label] += 1 }
        return counts
    }
}

// MARK: - Checking values

extension Dataset {
    /// The first NaN or infinite value in `examples`, with its flat index, or `nil`.
    static func firstNonFinite(in examples: Tensor) -> (index: Int, value: Float)? {
        examples.withUnsafeScalars { values in
            values.firstIndex { !$0.isFinite }.map { ($0, values[$0]) }
        }
    }

    /// The smallest and largest finite value of `examples` (`0...0` when there is none).
    static func observedRange(of examples: Tensor) -> ClosedRange<Float> {
        examples.withUnsafeScalars { values in
            var (low, high) = (Float.infinity, -Float.infinity)
            for value in values where value.isFinite {
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            }
            return low <= high ? low...high : 0...0
        }
    }

    /// The observed range of `examples` read from `path`.
    ///
    /// - Throws: `DataError.corrupt` naming the file, the first element that is NaN or infinite
    ///   as Float32, and its example.
    static func finiteRange(of examples: Tensor, path: String) throws -> ClosedRange<Float> {
        if let (index, value) = firstNonFinite(in: examples) {
            let exampleSize = examples.shape.dropFirst().reduce(1, *)
            throw DataError.corrupt(
                path: path,
                detail: "element \(index) (example \(index / Swift.max(exampleSize, 1))) is "
                    + "\(value) as Float32; values must be finite")
        }
        return observedRange(of: examples)
    }
}
