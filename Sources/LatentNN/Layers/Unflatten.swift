import LatentTensor

/// Reshapes each sample (PyTorch's `nn.Unflatten(1, shape)`): `[batch, shape.product]` →
/// `[batch] + shape`, as a generator turns a vector into `[batch, channels, height, width]`.
public final class Unflatten: Layer {
    /// The shape of one sample in the output.
    public let shape: [Int]

    /// Creates a reshaping of each sample to `shape`.
    public init(shape: [Int]) { self.shape = shape }

    /// Reshapes `[batch, …]` to `[batch] + shape`.
    ///
    /// - Precondition: each sample has `shape.product` scalars.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank >= 1 && input.scalarCount == input.shape[0] * shape.reduce(1, *),
            "Unflatten: input \(input.shape) cannot become [batch] + \(shape)")
        return input.reshaped(to: [input.shape[0]] + shape)
    }
}
