import LatentTensor

/// The minibatch standard deviation of Karras et al. 2018 (Progressive GAN, section 3): one
/// feature that tells a discriminator how varied its batch is, so that a generator whose
/// samples are too alike is told apart from data.
///
/// The batch `[n, …]` is cut into `n / g` groups of `g` examples (example `i` joins group
/// `i mod (n / g)`, as in the paper's code); for each group, the standard deviation of every
/// feature over its `g` examples is averaged over the features, and that one number is
/// appended to each of the group's examples: a last feature for `[n, f]`, a constant last
/// channel for images `[n, c, h, w]`. So `[n, f] → [n, f + 1]` and
/// `[n, c, h, w] → [n, c + 1, h, w]`.
///
/// `g` is `groupSize`, or the largest divisor of `n` below it when `n` is not a multiple
/// (a batch of one gets the constant `√ε`). Training and evaluation mode behave the same: the
/// statistic is of whatever batch the layer is given. It has no parameters.
public final class MinibatchStandardDeviation: Layer {
    /// Examples per group (the paper's 4).
    public let groupSize: Int
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// Creates the layer.
    ///
    /// - Precondition: `groupSize ≥ 1`.
    public init(groupSize: Int = 4, epsilon: Float = 1e-8) {
        precondition(groupSize >= 1, "MinibatchStandardDeviation: group size must be at least 1, got \(groupSize)")
        self.groupSize = groupSize
        self.epsilon = epsilon
    }

    /// The group size used for a batch of `count` examples.
    public func groupSize(forBatch count: Int) -> Int {
        stride(from: Swift.min(groupSize, Swift.max(count, 1)), through: 1, by: -1).first { count % $0 == 0 } ?? 1
    }

    /// Appends the statistic to `input` `[n, f]` or `[n, c, h, w]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 2 || input.rank == 4,
            "MinibatchStandardDeviation: input must be [batch, features] or [batch, channels, height, width], got \(input.shape)")
        let count = input.shape[0]
        let group = groupSize(forBatch: count)
        let groups = count / group
        let features = input.scalarCount / Swift.max(count, 1)
        // [g, n/g, f]: row r of slice s is example s · (n/g) + r, so group r holds r, r + n/g, …
        let grouped = input.reshaped(to: [group, groups, features])
        let deviation = (grouped.variance(alongAxis: 0) + epsilon).sqrt()  // [n/g, f]
        let statistic = deviation.mean(alongAxis: 1, keepingDimensions: true)  // [n/g, 1]
        let perExample = statistic.reshaped(to: [1, groups, 1]).expanded(to: [group, groups, 1])
        if input.rank == 2 {
            return Tensor.concatenate([input, perExample.reshaped(to: [count, 1])], alongAxis: 1)
        }
        let (height, width) = (input.shape[2], input.shape[3])
        let plane = perExample.reshaped(to: [count, 1, 1, 1]).expanded(to: [count, 1, height, width])
        return Tensor.concatenate([input, plane], alongAxis: 1)
    }
}
