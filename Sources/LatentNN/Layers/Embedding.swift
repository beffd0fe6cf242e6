import LatentTensor

/// A lookup table of learned vectors, one per index (PyTorch's `nn.Embedding`); conditional
/// models embed class labels with it.
///
/// Indices `[n]` give `[n, dimension]`. Parameter `weight` `[count, dimension]`, initialised
/// from `N(0, 1)` as in PyTorch.
public final class Embedding: Layer {
    /// The table, `[count, dimension]`: row `i` is the vector of index `i`.
    public let weight: Parameter

    /// Creates a table of `count` vectors of `dimension` scalars each.
    public init(count: Int, dimension: Int, using generator: inout some RandomNumberGenerator) {
        weight = Parameter(Tensor(randomNormal: [count, dimension], using: &generator))
    }

    /// The number of vectors in the table.
    public var count: Int { weight.shape[0] }
    /// The length of each vector.
    public var dimension: Int { weight.shape[1] }

    /// The vectors of `indices`, `[indices.count, dimension]`.
    ///
    /// - Precondition: every index is in `0..<count`.
    public func callAsFunction(_ indices: [Int]) -> Tensor {
        weight.value.gathered(indices: indices)
    }

    /// The vectors of integer-valued indices of any shape `[…]`, giving `[…, dimension]`.
    ///
    /// - Precondition: every element is a whole number in `0..<count`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let indices = input.scalars.map { value in
            precondition(
                value.rounded() == value, "Embedding: index \(value) is not a whole number")
            return Int(value)
        }
        return self(indices).reshaped(to: input.shape + [dimension])
    }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] }
}
