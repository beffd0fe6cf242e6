// The three convolution passes are each other's adjoints, so every pullback below is written
// with the other two: conv2d's input gradient is a transposed convolution, its filter gradient
// is conv2dFilterGradient, and so on around the triangle. All three are linear in each
// argument, which makes gradients of any order exact.

extension Tensor {
    /// The 2-D cross-correlation of a batch of images with a bank of filters (PyTorch's
    /// `conv2d`), in NCHW layout.
    ///
    /// Input `[batch, inputChannels, height, width]`, filter
    /// `[outputChannels, inputChannels, kernelHeight, kernelWidth]`, output
    /// `[batch, outputChannels, (height + 2·padding − kernelHeight) / stride + 1, …]` (rounded
    /// down; the same rule for the width).
    ///
    /// - Parameters:
    ///   - filter: the weights, `[outputChannels, inputChannels, kernelHeight, kernelWidth]`.
    ///   - bias: an optional `[outputChannels]` added to every output position.
    ///   - stride: the step between kernel positions, along both spatial axes.
    ///   - padding: zeros added on each side of both spatial axes.
    /// - Precondition: both tensors have rank 4, the channels agree, and the padded input is at
    ///   least as large as the kernel.
    public func conv2d(
        filter: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0
    ) -> Tensor {
        precondition(
            rank == 4 && filter.rank == 4 && filter.shape[1] == shape[1],
            "conv2d: input \(shape) ([batch, channels, height, width]) does not fit filter "
                + "\(filter.shape) ([outputChannels, inputChannels, kernelHeight, kernelWidth])")
        let g = Tensor.geometry(
            operation: "conv2d", input: shape, filter: filter.shape, stride: stride,
            padding: padding)
        if let bias {
            precondition(
                bias.shape == [g.outputChannels],
                "conv2d: bias \(bias.shape) does not match filter \(filter.shape); expected [\(g.outputChannels)]")
        }
        let result = TensorStorage(uninitializedCount: g.outputShape.elementCount)
        Convolution.forward(
            input: storage.base, filter: filter.storage.base, bias: bias?.storage.base,
            output: result.base, geometry: g)
        let input = self
        return Tensor(
            shape: g.outputShape, storage: result, recording: [input, filter] + (bias.map { [$0] } ?? []),
            operation: "conv2d"
        ) { upstream, needed in
            [
                needed[0]
                    ? upstream.convTranspose2d(
                        filter: filter, stride: stride, padding: padding,
                        outputHeight: g.inputHeight, outputWidth: g.inputWidth) : nil,
                needed[1]
                    ? Tensor.conv2dFilterGradient(
                        input: input, upstream: upstream, kernelHeight: g.kernelHeight,
                        kernelWidth: g.kernelWidth, stride: stride, padding: padding) : nil,
            ] + (needed.count > 2 ? [needed[2] ? upstream.sum(alongAxes: [0, 2, 3]) : nil] : [])
        }
    }

    /// The transposed convolution (PyTorch's `conv_transpose2d`): the adjoint of ``conv2d(filter:bias:stride:padding:)``,
    /// which spreads each input position over a kernel-sized patch of the output.
    ///
    /// Input `[batch, inputChannels, height, width]`, filter
    /// `[inputChannels, outputChannels, kernelHeight, kernelWidth]` (PyTorch's layout, the same
    /// tensor as the filter of the convolution it transposes), output
    /// `[batch, outputChannels, (height − 1)·stride − 2·padding + kernelHeight + outputPadding, …]`.
    ///
    /// - Parameters:
    ///   - filter: the weights, `[inputChannels, outputChannels, kernelHeight, kernelWidth]`.
    ///   - bias: an optional `[outputChannels]` added to every output position.
    ///   - stride: the upsampling factor.
    ///   - padding: rows and columns removed from each side of the full output.
    ///   - outputPadding: extra rows and columns on the bottom and right, to pick among the
    ///     output sizes a strided convolution maps to the same size; less than `stride`.
    /// - Precondition: both tensors have rank 4, the channels agree, and the output is not empty.
    public func convTranspose2d(
        filter: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0
    ) -> Tensor {
        precondition(
            rank == 4 && filter.rank == 4 && filter.shape[0] == shape[1],
            "convTranspose2d: input \(shape) ([batch, channels, height, width]) does not fit "
                + "filter \(filter.shape) ([inputChannels, outputChannels, kernelHeight, kernelWidth])")
        precondition(
            stride >= 1 && padding >= 0 && outputPadding >= 0 && outputPadding < stride,
            "convTranspose2d: needs stride ≥ 1, padding ≥ 0 and 0 ≤ outputPadding < stride, got "
                + "stride \(stride), padding \(padding), outputPadding \(outputPadding)")
        let height = (shape[2] - 1) * stride - 2 * padding + filter.shape[2] + outputPadding
        let width = (shape[3] - 1) * stride - 2 * padding + filter.shape[3] + outputPadding
        return convTranspose2d(
            filter: filter, bias: bias, stride: stride, padding: padding,
            outputHeight: height, outputWidth: width)
    }

    /// The transposed convolution with the output size given, which may differ from the
    /// smallest one by less than `stride` along each axis independently.
    func convTranspose2d(
        filter: Tensor, bias: Tensor? = nil, stride: Int, padding: Int, outputHeight height: Int,
        outputWidth width: Int
    ) -> Tensor {
        let (kernelHeight, kernelWidth) = (filter.shape[2], filter.shape[3])
        precondition(
            height > 0 && width > 0,
            "convTranspose2d: input \(shape) with filter \(filter.shape), stride \(stride) and "
                + "padding \(padding) gives an empty output \(height)×\(width)")
        let g = ConvolutionGeometry(
            batch: shape[0], inputChannels: filter.shape[1], inputHeight: height, inputWidth: width,
            outputChannels: filter.shape[0], kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            stride: stride, padding: padding, outputHeight: shape[2], outputWidth: shape[3])
        precondition(
            ConvolutionGeometry.outputSize(
                input: height, kernel: kernelHeight, stride: stride, padding: padding) == shape[2]
                && ConvolutionGeometry.outputSize(
                    input: width, kernel: kernelWidth, stride: stride, padding: padding) == shape[3],
            "convTranspose2d: output \(height)×\(width) is not one that a convolution with filter "
                + "\(filter.shape), stride \(stride), padding \(padding) maps to input \(shape)")
        if let bias {
            precondition(
                bias.shape == [g.inputChannels],
                "convTranspose2d: bias \(bias.shape) does not match filter \(filter.shape); expected [\(g.inputChannels)]")
        }
        let result = TensorStorage(uninitializedCount: g.inputShape.elementCount)
        Convolution.backwardData(
            upstream: storage.base, filter: filter.storage.base, bias: bias?.storage.base,
            input: result.base, geometry: g)
        let input = self
        return Tensor(
            shape: g.inputShape, storage: result,
            recording: [input, filter] + (bias.map { [$0] } ?? []), operation: "convTranspose2d"
        ) { upstream, needed in
            [
                needed[0]
                    ? upstream.conv2d(filter: filter, stride: stride, padding: padding) : nil,
                needed[1]
                    ? Tensor.conv2dFilterGradient(
                        input: upstream, upstream: input, kernelHeight: kernelHeight,
                        kernelWidth: kernelWidth, stride: stride, padding: padding) : nil,
            ] + (needed.count > 2 ? [needed[2] ? upstream.sum(alongAxes: [0, 2, 3]) : nil] : [])
        }
    }

    /// The gradient of a convolution's loss with respect to its filter: the correlation of
    /// `input` with `upstream`, summed over the batch.
    ///
    /// Input `[batch, inputChannels, height, width]`, upstream
    /// `[batch, outputChannels, outputHeight, outputWidth]` (shaped like the convolution's
    /// output), result `[outputChannels, inputChannels, kernelHeight, kernelWidth]`.
    ///
    /// - Parameters:
    ///   - input: the convolution's input.
    ///   - upstream: the gradient with respect to the convolution's output.
    ///   - kernelHeight: the filter's height.
    ///   - kernelWidth: the filter's width.
    ///   - stride: the convolution's stride.
    ///   - padding: the convolution's padding.
    /// - Precondition: `upstream` has the output shape of that convolution of `input`.
    public static func conv2dFilterGradient(
        input: Tensor, upstream: Tensor, kernelHeight: Int, kernelWidth: Int, stride: Int = 1,
        padding: Int = 0
    ) -> Tensor {
        precondition(
            input.rank == 4 && upstream.rank == 4 && input.shape[0] == upstream.shape[0],
            "conv2dFilterGradient: input \(input.shape) and upstream \(upstream.shape) are not two "
                + "[batch, channels, height, width] tensors of the same batch")
        let g = geometry(
            operation: "conv2dFilterGradient", input: input.shape,
            filter: [upstream.shape[1], input.shape[1], kernelHeight, kernelWidth], stride: stride,
            padding: padding)
        precondition(
            upstream.shape == g.outputShape,
            "conv2dFilterGradient: upstream \(upstream.shape) is not the output shape "
                + "\(g.outputShape) of input \(input.shape) with a \(kernelHeight)×\(kernelWidth) "
                + "kernel, stride \(stride), padding \(padding)")
        let result = TensorStorage(uninitializedCount: g.filterShape.elementCount)
        Convolution.backwardFilter(
            input: input.storage.base, upstream: upstream.storage.base,
            filterGradient: result.base, geometry: g)
        return Tensor(
            shape: g.filterShape, storage: result, recording: [input, upstream],
            operation: "conv2dFilterGradient"
        ) { filterUpstream, needed in
            [
                needed[0]
                    ? upstream.convTranspose2d(
                        filter: filterUpstream, stride: stride, padding: padding,
                        outputHeight: g.inputHeight, outputWidth: g.inputWidth) : nil,
                needed[1]
                    ? input.conv2d(filter: filterUpstream, stride: stride, padding: padding) : nil,
            ]
        }
    }

    // MARK: - Shapes

    /// The geometry of a forward convolution, checking its arguments.
    static func geometry(
        operation: String, input: [Int], filter: [Int], stride: Int, padding: Int
    ) -> ConvolutionGeometry {
        precondition(
            stride >= 1 && padding >= 0,
            "\(operation): needs stride ≥ 1 and padding ≥ 0, got stride \(stride), padding \(padding)")
        precondition(
            input[2] + 2 * padding >= filter[2] && input[3] + 2 * padding >= filter[3],
            "\(operation): input \(input) with padding \(padding) is smaller than the kernel of "
                + "filter \(filter)")
        return ConvolutionGeometry(
            batch: input[0], inputChannels: input[1], inputHeight: input[2], inputWidth: input[3],
            outputChannels: filter[0], kernelHeight: filter[2], kernelWidth: filter[3],
            stride: stride, padding: padding,
            outputHeight: ConvolutionGeometry.outputSize(
                input: input[2], kernel: filter[2], stride: stride, padding: padding),
            outputWidth: ConvolutionGeometry.outputSize(
                input: input[3], kernel: filter[3], stride: stride, padding: padding))
    }
}
