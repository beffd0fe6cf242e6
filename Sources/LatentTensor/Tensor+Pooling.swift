// Max pooling is a gather of the arg-max positions; its pullback is the adjoint scatter, whose
// own pullback is the gather again. Average pooling and its adjoint form the same kind of pair.
// Every pullback is therefore a recorded Tensor operation, and second derivatives are exact.

extension Tensor {
    /// The maximum over each `size × size` window, moved by `stride`, of
    /// `[batch, channels, height, width]`; the gradient flows to the first arg-max of a window.
    ///
    /// Output `[batch, channels, (height − size) / stride + 1, (width − size) / stride + 1]`
    /// (rounded down; no padding).
    ///
    /// - Precondition: rank 4, `size` and `stride` positive, and the image at least `size` wide
    ///   and high.
    public func maxPool2d(size: Int = 2, stride: Int = 2) -> Tensor {
        let (outputShape, window) = poolingShape(operation: "maxPool2d", size: size, stride: stride)
        let result = TensorStorage(uninitializedCount: outputShape.elementCount)
        var positions = [Int](repeating: 0, count: outputShape.elementCount)
        let source = storage.base, target = result.base
        let (height, width) = (shape[2], shape[3])
        let (outputHeight, outputWidth) = (outputShape[2], outputShape[3])
        positions.withUnsafeMutableBufferPointer { positions in
            var out = 0
            for plane in 0..<(shape[0] * shape[1]) {
                let base = plane * height * width
                for row in 0..<outputHeight {
                    for column in 0..<outputWidth {
                        var best = base + row * stride * width + column * stride
                        var bestValue = source[best]
                        for i in 0..<window {
                            let line = base + (row * stride + i) * width + column * stride
                            for j in 0..<window where source[line + j] > bestValue {
                                best = line + j
                                bestValue = source[best]
                            }
                        }
                        target[out] = bestValue
                        positions[out] = best
                        out += 1
                    }
                }
            }
        }
        let input = self, arguments = positions
        return Tensor(shape: outputShape, storage: result, recording: [input], operation: "maxPool2d") {
            upstream, _ in [upstream.scatteringScalars(to: arguments, shape: input.shape)]
        }
    }

    /// The mean over each `size × size` window, moved by `stride`, of
    /// `[batch, channels, height, width]`.
    ///
    /// Output `[batch, channels, (height − size) / stride + 1, (width − size) / stride + 1]`
    /// (rounded down; no padding).
    ///
    /// - Precondition: rank 4, `size` and `stride` positive, and the image at least `size` wide
    ///   and high.
    public func avgPool2d(size: Int = 2, stride: Int = 2) -> Tensor {
        let (outputShape, _) = poolingShape(operation: "avgPool2d", size: size, stride: stride)
        let result = TensorStorage(uninitializedCount: outputShape.elementCount)
        Tensor.averagePooling(
            planes: shape[0] * shape[1], height: shape[2], width: shape[3], size: size,
            stride: stride, pooled: result.base, image: storage.base, adjoint: false)
        let input = self
        return Tensor(shape: outputShape, storage: result, recording: [input], operation: "avgPool2d") {
            upstream, _ in [upstream.avgPool2dAdjoint(imageShape: input.shape, size: size, stride: stride)]
        }
    }

    // MARK: - Adjoints

    /// The adjoint of average pooling: each window's value, divided by the window's area, is
    /// added onto every position of the window in a zero image of `imageShape`.
    func avgPool2dAdjoint(imageShape: [Int], size: Int, stride: Int) -> Tensor {
        let result = TensorStorage(count: imageShape.elementCount, repeating: 0)
        Tensor.averagePooling(
            planes: imageShape[0] * imageShape[1], height: imageShape[2], width: imageShape[3],
            size: size, stride: stride, pooled: storage.base, image: result.base, adjoint: true)
        return Tensor(
            shape: imageShape, storage: result, recording: [self], operation: "avgPool2dAdjoint"
        ) { upstream, _ in [upstream.avgPool2d(size: size, stride: stride)] }
    }

    /// The scalars at flat `positions` of this tensor, in that order, shaped `shape`.
    func gatheringScalars(at positions: [Int], shape newShape: [Int]) -> Tensor {
        let result = TensorStorage(uninitializedCount: positions.count)
        let source = storage.base
        for (index, position) in positions.enumerated() { result.base[index] = source[position] }
        let input = self
        return Tensor(shape: newShape, storage: result, recording: [input], operation: "gatherScalars") {
            upstream, _ in [upstream.scatteringScalars(to: positions, shape: input.shape)]
        }
    }

    /// A zero tensor of `shape` with scalar `i` of this tensor added at flat position
    /// `positions[i]`: the adjoint of ``gatheringScalars(at:shape:)``.
    func scatteringScalars(to positions: [Int], shape newShape: [Int]) -> Tensor {
        let result = TensorStorage(count: newShape.elementCount, repeating: 0)
        let source = storage.base
        for (index, position) in positions.enumerated() { result.base[position] += source[index] }
        let input = self
        return Tensor(shape: newShape, storage: result, recording: [input], operation: "scatterScalars") {
            upstream, _ in [upstream.gatheringScalars(at: positions, shape: input.shape)]
        }
    }

    // MARK: - Kernels

    /// The output shape of a pooling, checking its arguments; also returns the window size.
    private func poolingShape(operation: String, size: Int, stride: Int) -> ([Int], Int) {
        precondition(
            rank == 4 && size >= 1 && stride >= 1 && shape[2] >= size && shape[3] >= size,
            "\(operation): needs [batch, channels, height, width] of at least \(size)×\(size) and "
                + "positive size and stride; got shape \(shape), size \(size), stride \(stride)")
        return (
            [shape[0], shape[1], (shape[2] - size) / stride + 1, (shape[3] - size) / stride + 1],
            size
        )
    }

    /// Average pooling of `image` into `pooled`, or (`adjoint`) its transpose, adding
    /// `pooled / size²` onto each window of `image`.
    private static func averagePooling(
        planes: Int, height: Int, width: Int, size: Int, stride: Int,
        pooled: UnsafeMutablePointer<Float>, image: UnsafeMutablePointer<Float>, adjoint: Bool
    ) {
        let outputHeight = (height - size) / stride + 1, outputWidth = (width - size) / stride + 1
        let scale = 1 / Float(size * size)
        var out = 0
        for plane in 0..<planes {
            let base = image + plane * height * width
            for row in 0..<outputHeight {
                for column in 0..<outputWidth {
                    let corner = base + row * stride * width + column * stride
                    if adjoint {
                        let value = pooled[out] * scale
                        for i in 0..<size {
                            for j in 0..<size { corner[i * width + j] += value }
                        }
                    } else {
                        var sum: Float = 0
                        for i in 0..<size {
                            for j in 0..<size { sum += corner[i * width + j] }
                        }
                        pooled[out] = sum * scale
                    }
                    out += 1
                }
            }
        }
    }
}
