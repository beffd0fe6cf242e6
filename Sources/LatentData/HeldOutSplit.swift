import LatentTensor

/// The test split of a dataset that has none of its own (an image folder without `train/` and
/// `test/` sub-folders, a CSV file): a fixed, seeded choice of examples held out of training.
///
/// The choice depends only on the number of examples, their labels and the fraction, never on
/// a run's seed, so training and `latent eval` hold out the same examples.
enum HeldOutSplit {
    /// The fraction held out when the specification does not say (`?test=`).
    static let defaultFraction = 0.1
    /// The largest fraction `?test=` accepts.
    static let maximumFraction = 0.9
    /// The seed of the shuffle that picks the held-out examples.
    static let seed: UInt64 = 0x7E57_5EED_0000_0001

    /// The indices of the held-out examples, ascending.
    ///
    /// The examples are shuffled with a fixed seed; the first ones, skipping any that would take
    /// the last training example of its class, are held out until round(fraction × count) are
    /// (at least one when `fraction > 0`).
    static func testIndices(count: Int, labels: [Int]?, fraction: Double) -> [Int] {
        guard fraction > 0 else { return [] }
        let target = Swift.max(1, Int((fraction * Double(count)).rounded()))
        var remaining: [Int: Int] = [:]
        for index in 0..<count { remaining[labels?[index] ?? 0, default: 0] += 1 }
        var order = Array(0..<count)
        var generator = SplitMix64(seed: seed)
        order.shuffle(using: &generator)
        var held: [Int] = []
        for index in order where held.count < target {
            let label = labels?[index] ?? 0
            guard remaining[label]! > 1 else { continue }
            remaining[label]! -= 1
            held.append(index)
        }
        return held.sorted()
    }

    /// Splits `dataset` into training and held-out examples, both in their original order.
    ///
    /// - Returns: The training examples, and the test examples or `nil` when none are held out.
    static func split(_ dataset: Dataset, fraction: Double) -> (train: Dataset, test: Dataset?) {
        let held = testIndices(count: dataset.count, labels: dataset.labels, fraction: fraction)
        let heldSet = Set(held)
        let kept = (0..<dataset.count).filter { !heldSet.contains($0) }
        var train = dataset.subset(indices: kept)
        train.name += "-train"
        guard !held.isEmpty else { return (train, nil) }
        var test = dataset.subset(indices: held)
        test.name += "-test"
        return (train, test)
    }
}
