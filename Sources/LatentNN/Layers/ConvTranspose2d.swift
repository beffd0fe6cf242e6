import LatentTensor

/// A 2-D transposed convolution (PyTorch's `nn.ConvTranspose2d`), the upsampling layer of
/// DCGAN's generator, in NCHW layout.
///
/// Input `[batch, inputChannels, height, width]`, output `[batch, outputChannels,
/// (height − 1)·stride − 2·padding + kernelSize + outputPadding, …]`. Parameters `weight`
/// `[inputChannels, outputChannels, kernelSize, kernelSize]` (PyTorch's layout) and `bias`
/// `[outputChannels]`, both uniform in ±1/√(outputChannels · kernelSize²): PyTorch computes
/// the fan-in from the weight's axis 1, which here is the output channels.
public final class ConvTranspose2d: Layer {
    /// The filters, `[inputChannels, outputChannels, kernelSize, kernelSize]`.
    public let weight: Parameter
    /// The bias, `[outputChannels]`, or `nil` for a layer without one.
    public let bias: Parameter?
    /// The upsampling factor.
    public let stride: Int
    /// Rows and columns removed from each side of the full output.
    public let padding: Int
    /// Extra rows and columns on the bottom and right (less than `stride`).
    public let outputPadding: Int

    /// Creates a transposed convolution with PyTorch's default initialisation.
    ///
    /// - Parameters:
    ///   - inputChannels: the input's axis 1.
    ///   - outputChannels: the output's axis 1.
    ///   - kernelSize: the filters' height and width.
    ///   - stride: the upsampling factor.
    ///   - padding: rows and columns cropped from each side of the output.
    ///   - outputPadding: extra rows and columns on the bottom and right; less than `stride`.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - generator: the source of the initial weights.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, bias: Bool = true, using generator: inout some RandomNumberGenerator
    ) {
        precondition(
            kernelSize >= 1 && stride >= 1 && padding >= 0 && (0..<stride).contains(outputPadding),
            "ConvTranspose2d: needs kernelSize ≥ 1, stride ≥ 1, padding ≥ 0, "
                + "0 ≤ outputPadding < stride; "
                + "got \(kernelSize), \(stride), \(padding), \(outputPadding)")
        let shape = [inputChannels, outputChannels, kernelSize, kernelSize]
        weight = Parameter(Initializers.defaultWeight(shape, using: &generator))
        let fanIn = Initializers.fans(of: shape).fanIn
        self.bias =
            bias
            ? Parameter(Initializers.defaultBias([outputChannels], fanIn: fanIn, using: &generator))
            : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    /// Upsamples `[batch, inputChannels, height, width]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.convTranspose2d(
            filter: weight.value, bias: bias?.value, stride: stride, padding: padding,
            outputPadding: outputPadding)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
