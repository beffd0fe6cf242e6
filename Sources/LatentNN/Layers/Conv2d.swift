import LatentTensor

/// A 2-D convolution (cross-correlation, as PyTorch's `nn.Conv2d`) in NCHW layout.
///
/// Input `[batch, inputChannels, height, width]`, output `[batch, outputChannels,
/// (height + 2·padding − kernelSize) / stride + 1, …]` (rounded down; the same for the width).
/// Parameters `weight` `[outputChannels, inputChannels, kernelSize, kernelSize]` and `bias`
/// `[outputChannels]`, both uniform in ±1/√(inputChannels · kernelSize²) (PyTorch's default).
public final class Conv2d: Layer, SpectrallyNormalizable {
    /// The filters, `[outputChannels, inputChannels, kernelSize, kernelSize]`.
    public let weight: Parameter
    /// The bias, `[outputChannels]`, or `nil` for a layer without one.
    public let bias: Parameter?
    /// The step between kernel positions, along both spatial axes.
    public let stride: Int
    /// Zeros added on each side of both spatial axes.
    public let padding: Int

    /// Creates a convolution with PyTorch's default initialisation.
    ///
    /// - Parameters:
    ///   - inputChannels: the input's axis 1.
    ///   - outputChannels: the output's axis 1 (the number of filters).
    ///   - kernelSize: the filters' height and width.
    ///   - stride: the step between kernel positions.
    ///   - padding: zeros added on each side.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - generator: the source of the initial weights.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, using generator: inout some RandomNumberGenerator
    ) {
        precondition(
            stride >= 1 && padding >= 0 && kernelSize >= 1,
            "Conv2d: needs kernelSize ≥ 1, stride ≥ 1, padding ≥ 0; got "
                + "\(kernelSize), \(stride), \(padding)"
        )
        let shape = [outputChannels, inputChannels, kernelSize, kernelSize]
        weight = Parameter(Initializers.defaultWeight(shape, using: &generator))
        let fanIn = Initializers.fans(of: shape).fanIn
        self.bias =
            bias
            ? Parameter(Initializers.defaultBias([outputChannels], fanIn: fanIn, using: &generator))
            : nil
        self.stride = stride
        self.padding = padding
    }

    /// Convolves `[batch, inputChannels, height, width]` with the filters.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        callAsFunction(input, weight: weight.value)
    }

    /// Convolves with `weight` in place of the stored filters (spectral normalisation).
    public func callAsFunction(_ input: Tensor, weight: Tensor) -> Tensor {
        input.conv2d(filter: weight, bias: bias?.value, stride: stride, padding: padding)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
