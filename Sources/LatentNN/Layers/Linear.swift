import LatentTensor

/// Applies `input · weightᵀ + bias` to the last axis of its input (PyTorch's `nn.Linear`).
///
/// Input `[batch, inputFeatures]` (or any leading axes `[…, inputFeatures]`), output
/// `[batch, outputFeatures]`. Parameters `weight` `[outputFeatures, inputFeatures]` and `bias`
/// `[outputFeatures]`, both initialised uniformly in ±1/√inputFeatures (PyTorch's default).
public final class Linear: Layer {
    /// The weight, `[outputFeatures, inputFeatures]`.
    public let weight: Parameter
    /// The bias, `[outputFeatures]`, or `nil` for a layer without one.
    public let bias: Parameter?

    /// Creates a layer with PyTorch's default initialisation.
    ///
    /// - Parameters:
    ///   - inputFeatures: the size of the input's last axis.
    ///   - outputFeatures: the size of the output's last axis.
    ///   - bias: whether to add a learned bias.
    ///   - generator: the source of the initial weights.
    public init(
        inputFeatures: Int, outputFeatures: Int, bias: Bool = true,
        using generator: inout some RandomNumberGenerator
    ) {
        let shape = [outputFeatures, inputFeatures]
        weight = Parameter(Initializers.defaultWeight(shape, using: &generator))
        self.bias =
            bias
            ? Parameter(
                Initializers.defaultBias([outputFeatures], fanIn: inputFeatures, using: &generator))
            : nil
    }

    /// The number of input features.
    public var inputFeatures: Int { weight.shape[1] }
    /// The number of output features.
    public var outputFeatures: Int { weight.shape[0] }

    /// Applies the layer: `[…, inputFeatures]` → `[…, outputFeatures]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        callAsFunction(input, weight: weight.value)
    }

    /// Applies the layer and then `activation` (ReLU, leaky ReLU), the activation fused with the
    /// bias in one pass over the output (``Tensor/addingBias(_:activation:)``): the same values
    /// as `layer(input).relu()`. ``Sequential`` calls it for a linear layer its next layer
    /// activates.
    public func callAsFunction(_ input: Tensor, activation: Tensor.BiasActivation) -> Tensor {
        callAsFunction(input, weight: weight.value, activation: activation)
    }

    /// Applies the layer with `weight` in place of the stored one (spectral normalisation).
    public func callAsFunction(_ input: Tensor, weight: Tensor) -> Tensor {
        callAsFunction(input, weight: weight, activation: .identity)
    }

    /// Applies the layer with `weight` in place of the stored one, then `activation`.
    public func callAsFunction(
        _ input: Tensor, weight: Tensor, activation: Tensor.BiasActivation
    ) -> Tensor {
        precondition(
            input.rank >= 1 && input.shape[input.rank - 1] == weight.shape[1],
            "Linear: input \(input.shape) does not end in \(weight.shape[1]) features "
                + "(weight \(weight.shape))"
        )
        let matrix = input.rank == 2 ? input : input.reshaped(to: [-1, weight.shape[1]])
        var output = matrix.matmul(weight, transposingOther: true)
        if let bias {
            output = output.addingBias(bias.value, activation: activation)
        } else if case .leakyReLU(let slope) = activation {
            output = slope == 0 ? output.relu() : output.leakyReLU(negativeSlope: slope)
        }
        return input.rank == 2
            ? output : output.reshaped(to: input.shape.dropLast() + [weight.shape[0]])
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
