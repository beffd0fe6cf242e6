/// How well an unsupervised categorical code matches the data's classes (InfoGAN's MNIST
/// figure, Chen et al. 2016 §7.1): samples are generated for each code, classified, and the
/// accuracy is that of the best assignment of codes to classes.
///
/// With no more codes than classes the assignment is one-to-one (each class serves at most one
/// code: the Hungarian-matching accuracy of clustering papers), found exactly by dynamic
/// programming over subsets of classes; with more codes than classes each code takes its most
/// frequent class.
public enum CodeAccuracy {
    /// The result: the accuracy, the class given to each code, and the confusion counts.
    public struct Result: Sendable, Equatable {
        /// The fraction of samples whose predicted class is the one assigned to their code.
        public let accuracy: Double
        /// The class assigned to each code.
        public let assignment: [Int]
        /// `confusion[code][class]`: how many samples of the code were classified as the class.
        public let confusion: [[Int]]
    }

    /// The best-assignment accuracy of predicted classes against the codes the samples were
    /// generated from.
    ///
    /// - Parameters:
    ///   - codes: the code of each sample, in `0..<codeCount`.
    ///   - predicted: the classifier's class of each sample, in `0..<classCount`.
    /// - Precondition: the lists have the same, non-zero length; values are in range;
    ///   `classCount` is at most 20 when `codeCount <= classCount`.
    public static func measure(codes: [Int], predicted: [Int], codeCount: Int, classCount: Int) -> Result {
        precondition(
            codes.count == predicted.count && !codes.isEmpty,
            "CodeAccuracy: \(predicted.count) predictions for \(codes.count) codes")
        var confusion = Array(repeating: Array(repeating: 0, count: classCount), count: codeCount)
        for (code, label) in zip(codes, predicted) {
            precondition(
                (0..<codeCount).contains(code) && (0..<classCount).contains(label),
                "CodeAccuracy: code \(code) or class \(label) out of range")
            confusion[code][label] += 1
        }
        let assignment = codeCount <= classCount
            ? oneToOne(confusion, classCount: classCount)
            : confusion.map { row in row.indices.max { row[$0] < row[$1] }! }
        let matched = assignment.enumerated().reduce(0) { $0 + confusion[$1.offset][$1.element] }
        return Result(accuracy: Double(matched) / Double(codes.count), assignment: assignment, confusion: confusion)
    }

    /// The one-to-one assignment maximising the matched count: `best[mask]` is the most that
    /// codes `0..<popcount(mask)` can match using exactly the classes in `mask`.
    private static func oneToOne(_ confusion: [[Int]], classCount: Int) -> [Int] {
        precondition(classCount <= 20, "CodeAccuracy: one-to-one matching of \(classCount) classes is too large")
        let codeCount = confusion.count
        let size = 1 << classCount
        var best = [Int](repeating: -1, count: size)
        var choice = [Int](repeating: -1, count: size)
        best[0] = 0
        for mask in 0..<size where best[mask] >= 0 {
            let code = mask.nonzeroBitCount
            guard code < codeCount else { continue }
            for label in 0..<classCount where mask & (1 << label) == 0 {
                let next = mask | (1 << label)
                let value = best[mask] + confusion[code][label]
                if value > best[next] {
                    best[next] = value
                    choice[next] = label
                }
            }
        }
        var mask = (0..<size).filter { $0.nonzeroBitCount == codeCount }.max { best[$0] < best[$1] }!
        var assignment = [Int](repeating: 0, count: codeCount)
        for code in stride(from: codeCount - 1, through: 0, by: -1) {
            assignment[code] = choice[mask]
            mask &= ~(1 << choice[mask])
        }
        return assignment
    }
}
