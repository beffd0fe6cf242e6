import LatentTensor

// The losses of the models, built from differentiable Tensor operations (so they can be
// differentiated twice). Element-wise losses reduce over every element, as PyTorch's; the
// distribution-level ones (cross-entropy, KL) first form one term per sample.

// MARK: - Binary cross-entropy

/// Binary cross-entropy of probabilities: `−(y · log p + (1 − y) · log(1 − p))` per element
/// (PyTorch's `nn.BCELoss`).
///
/// As in PyTorch, each logarithm is clamped to be at least −100, so a confident wrong answer
/// costs 100 rather than infinity and the gradient stays finite. Prefer
/// ``binaryCrossEntropy(logits:labels:reduction:)`` where logits are at hand.
///
/// - Parameters:
///   - probabilities: predicted probabilities in `[0, 1]`, any shape.
///   - labels: targets in `[0, 1]` (soft labels allowed), shaped like `probabilities`.
///   - reduction: over all elements; `.none` keeps the input shape.
/// - Precondition: the shapes agree.
public func binaryCrossEntropy(
    probabilities: Tensor, labels: Tensor, reduction: Reduction = .mean
) -> Tensor {
    precondition(
        probabilities.shape == labels.shape,
        "binaryCrossEntropy(probabilities:labels:): probabilities \(probabilities.shape) "
            + "and labels \(labels.shape) differ"
    )
    let terms = labels * clampedLog(probabilities) + (1 - labels) * clampedLog(1 - probabilities)
    return reduction.apply(-terms)
}

/// `max(log x, −100)`, with a zero gradient where the clamp applies (and no NaN at `x = 0`).
private func clampedLog(_ x: Tensor) -> Tensor {
    // Zeros are replaced before the logarithm so that its pullback never divides by zero.
    let logarithm = Tensor.where(x .> 0, x, Tensor(1)).log()
    return Tensor.where((x .> 0) * (logarithm .> -100), logarithm, Tensor(-100))
}

/// Binary cross-entropy of logits: `softplus(x) − y · x` per element, which equals
/// `−(y · log σ(x) + (1 − y) · log(1 − σ(x)))` without overflow for any |x|
/// (PyTorch's `nn.BCEWithLogitsLoss`).
///
/// - Parameters:
///   - logits: unnormalised log-odds, any shape.
///   - labels: targets in `[0, 1]`, shaped like `logits`.
///   - reduction: over all elements; `.none` keeps the input shape.
/// - Precondition: the shapes agree.
public func binaryCrossEntropy(
    logits: Tensor, labels: Tensor, reduction: Reduction = .mean
) -> Tensor {
    precondition(
        logits.shape == labels.shape,
        "binaryCrossEntropy(logits:labels:): logits \(logits.shape) and labels "
            + "\(labels.shape) differ"
    )
    return reduction.apply(logits.sigmoidCrossEntropy(labels: labels))
}

// MARK: - Regression

/// Squared error `(predicted − expected)²` per element (PyTorch's `nn.MSELoss`).
///
/// - Parameters:
///   - predicted: any shape.
///   - expected: shaped like `predicted`.
///   - reduction: over all elements; `.none` keeps the input shape.
/// - Precondition: the shapes agree.
public func meanSquaredError(
    predicted: Tensor, expected: Tensor, reduction: Reduction = .mean
) -> Tensor {
    precondition(
        predicted.shape == expected.shape,
        "meanSquaredError(predicted:expected:): predicted \(predicted.shape) and expected "
            + "\(expected.shape) differ"
    )
    return reduction.apply((predicted - expected).squared())
}

/// Absolute error `|predicted − expected|` per element (PyTorch's `nn.L1Loss`).
///
/// - Parameters:
///   - predicted: any shape.
///   - expected: shaped like `predicted`.
///   - reduction: over all elements; `.none` keeps the input shape.
/// - Precondition: the shapes agree.
public func l1Loss(predicted: Tensor, expected: Tensor, reduction: Reduction = .mean) -> Tensor {
    precondition(
        predicted.shape == expected.shape,
        "l1Loss(predicted:expected:): predicted \(predicted.shape) and expected "
            + "\(expected.shape) differ"
    )
    return reduction.apply((predicted - expected).abs())
}

/// The negative log-density of `target` under `N(mean, exp(logVariance))`, per element:
/// `½ (log 2π + logVariance + (target − mean)² / exp(logVariance))`.
///
/// The `½ log 2π` constant is included, so the sum over a sample's elements is the proper
/// negative log-likelihood of a diagonal Gaussian in nats (PyTorch's `nn.GaussianNLLLoss` with
/// `full=True`, but parameterised by the log-variance, so no clamping is needed).
///
/// - Parameters:
///   - mean: the Gaussian's means, any shape.
///   - logVariance: the log-variances, shaped like `mean`.
///   - target: the observed values, shaped like `mean`.
///   - reduction: over all elements; `.none` keeps the input shape.
/// - Precondition: the three shapes agree.
public func gaussianNegativeLogLikelihood(
    mean: Tensor, logVariance: Tensor, target: Tensor, reduction: Reduction = .mean
) -> Tensor {
    precondition(
        mean.shape == logVariance.shape && mean.shape == target.shape,
        "gaussianNegativeLogLikelihood: mean \(mean.shape), logVariance \(logVariance.shape) "
            + "and target \(target.shape) differ"
    )
    let logTwoPi: Float = 1.837_877_1
    let terms = 0.5 * (logVariance + (target - mean).squared() * (-logVariance).exp() + logTwoPi)
    return reduction.apply(terms)
}

// MARK: - Distributions

/// Cross-entropy of integer class labels under the softmax of `logits`:
/// `−log softmax(logits)[label]` per sample (PyTorch's `nn.CrossEntropyLoss`).
///
/// - Parameters:
///   - logits: unnormalised scores, `[batch, classes]`.
///   - labels: one class index in `0..<classes` per sample.
///   - reduction: over the batch; `.none` gives `[batch]`.
/// - Precondition: `logits` is `[labels.count, classes]` and every label is in range.
public func crossEntropy(logits: Tensor, labels: [Int], reduction: Reduction = .mean) -> Tensor {
    precondition(
        logits.rank == 2 && logits.shape[0] == labels.count,
        "crossEntropy(logits:labels:): logits \(logits.shape) are not [\(labels.count), classes]")
    let classes = logits.shape[1]
    let positions = labels.enumerated().map { sample, label in
        precondition(
            (0..<classes).contains(label),
            "crossEntropy(logits:labels:): label \(label) of sample \(sample) is outside "
                + "0..<\(classes)"
        )
        return sample * classes + label
    }
    let picked = logits.logSoftmax(alongAxis: 1).reshaped(to: [-1]).gathered(indices: positions)
    return reduction.apply(-picked)
}

/// The KL divergence `KL(N(mean, diag exp(logVariance)) ‖ N(0, I))` of each sample, in closed
/// form: `−½ Σ (1 + logσ² − μ² − σ²)` over the last axis (a VAE's regulariser).
///
/// - Parameters:
///   - mean: the posterior means, `[batch, latent]` (or any `[…, latent]`).
///   - logVariance: the posterior log-variances, shaped like `mean`.
///   - reduction: over the samples; `.none` gives `[batch]` (the input shape without its last
///     axis), `.mean` the average KL per sample.
/// - Precondition: the shapes agree and have at least one axis.
public func klDivergenceFromStandardNormal(
    mean: Tensor, logVariance: Tensor, reduction: Reduction = .mean
) -> Tensor {
    precondition(
        mean.shape == logVariance.shape && mean.rank >= 1,
        "klDivergenceFromStandardNormal: mean \(mean.shape) and logVariance "
            + "\(logVariance.shape) differ or are scalars"
    )
    let terms = 1 + logVariance - mean.squared() - logVariance.exp()
    return reduction.apply(-0.5 * terms.sum(alongAxis: -1))
}
