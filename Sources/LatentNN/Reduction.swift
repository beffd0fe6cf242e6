import LatentTensor

/// How a loss combines its per-element (or per-sample) terms, as PyTorch's `reduction`.
public enum Reduction: Sendable {
    /// The sum of the terms, a rank-0 tensor.
    case sum
    /// The mean of the terms, a rank-0 tensor.
    case mean
    /// The terms themselves, unreduced.
    case none

    /// Applies the reduction to a tensor of terms.
    public func apply(_ terms: Tensor) -> Tensor {
        switch self {
        case .sum: terms.sum()
        case .mean: terms.mean()
        case .none: terms
        }
    }
}
