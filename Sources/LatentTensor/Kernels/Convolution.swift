import CDNNL

/// The sizes of one 2-D convolution in NCHW layout, seen from the forward direction.
///
/// The forward convolution maps an input `[batch, inputChannels, inputHeight, inputWidth]` with
/// a filter `[outputChannels, inputChannels, kernelHeight, kernelWidth]` to an output
/// `[batch, outputChannels, outputHeight, outputWidth]`. Its backward-data pass (the transposed
/// convolution) and its backward-filter pass use the same geometry.
struct ConvolutionGeometry: Hashable, Sendable {
    let batch: Int
    let inputChannels: Int
    let inputHeight: Int
    let inputWidth: Int
    let outputChannels: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padding: Int
    let outputHeight: Int
    let outputWidth: Int

    /// Scalars of one column of the unfolded input: `inputChannels · kernelHeight · kernelWidth`.
    var patchSize: Int { inputChannels * kernelHeight * kernelWidth }
    /// Output positions per image and channel.
    var outputPixels: Int { outputHeight * outputWidth }
    /// Input positions per image and channel.
    var inputPixels: Int { inputHeight * inputWidth }
    var inputShape: [Int] { [batch, inputChannels, inputHeight, inputWidth] }
    var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }
    var filterShape: [Int] { [outputChannels, inputChannels, kernelHeight, kernelWidth] }

    /// Whether the unfolded input is the input itself (1×1 kernel, stride 1, no padding).
    var isPointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0 }

    /// The number of outputs along an axis of `size` inputs.
    static func outputSize(input size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (size + 2 * padding - kernel) / stride + 1
    }
}

/// The three convolution passes. Each goes to oneDNN's primitive when
/// ``ConvolutionImplementation`` says so and one exists for the geometry, and otherwise to
/// im2col + GEMM: each image is unfolded into a `[patchSize, outputPixels]` matrix of input
/// patches, and the pass is a matrix product with the filter viewed as
/// `[outputChannels, patchSize]`.
enum Convolution {
    /// Whether `pass` of `g` goes to oneDNN's primitives first.
    private static func usesPrimitives(_ g: ConvolutionGeometry, _ pass: ConvolutionPrimitives.Pass) -> Bool {
        switch ConvolutionImplementation.current {
        case .automatic: return ConvolutionImplementation.automaticUsesPrimitives(g, pass)
        case .primitives: return true
        case .im2col: return false
        }
    }

    /// `output = filter ⊛ input (+ bias)`, the forward convolution.
    static func forward(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry
    ) {
        if usesPrimitives(g, .forward(bias: bias != nil)),
            ConvolutionPrimitives.execute(
                g, .forward(bias: bias != nil),
                arguments: [
                    (DNNL_ARG_SRC_0, UnsafeMutableRawPointer(mutating: input)),
                    (DNNL_ARG_WEIGHTS_0, UnsafeMutableRawPointer(mutating: filter)),
                    (DNNL_ARG_DST_0, UnsafeMutableRawPointer(output)),
                ] + (bias.map { [(DNNL_ARG_BIAS, UnsafeMutableRawPointer(mutating: $0))] } ?? []))
        {
            return
        }
        let patch = g.patchSize, pixels = g.outputPixels
        forImages(g) { _, images, columns in
            for image in images {
                let source = input + image * g.inputChannels * g.inputPixels
                let target = output + image * g.outputChannels * pixels
                let unfolded: UnsafePointer<Float>
                if let columns {
                    unfold(source, geometry: g, into: columns)
                    unfolded = UnsafePointer(columns)
                } else {
                    unfolded = source
                }
                if let bias {
                    for channel in 0..<g.outputChannels {
                        (target + channel * pixels).update(repeating: bias[channel], count: pixels)
                    }
                }
                GEMM.multiply(
                    transposingA: false, transposingB: false, m: g.outputChannels, n: pixels,
                    k: patch, a: filter, lda: patch, b: unfolded, ldb: pixels,
                    beta: bias == nil ? 0 : 1, c: target, ldc: pixels)
            }
        }
    }

    /// `input = filterᵀ ⊛ upstream (+ bias)`: the backward-data pass, which is also the
    /// transposed convolution. Writes every scalar of `input`.
    static func backwardData(
        upstream: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        input: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry
    ) {
        if usesPrimitives(g, .backwardData),
            ConvolutionPrimitives.execute(
                g, .backwardData,
                arguments: [
                    (DNNL_ARG_DIFF_DST_0, UnsafeMutableRawPointer(mutating: upstream)),
                    (DNNL_ARG_WEIGHTS_0, UnsafeMutableRawPointer(mutating: filter)),
                    (DNNL_ARG_DIFF_SRC_0, UnsafeMutableRawPointer(input)),
                ])
        {
            if let bias {
                for plane in 0..<(g.batch * g.inputChannels) {
                    let value = bias[plane % g.inputChannels], target = input + plane * g.inputPixels
                    for index in 0..<g.inputPixels { target[index] += value }
                }
            }
            return
        }
        let patch = g.patchSize, pixels = g.outputPixels
        forImages(g) { _, images, columns in
            for image in images {
                let source = upstream + image * g.outputChannels * pixels
                let target = input + image * g.inputChannels * g.inputPixels
                for channel in 0..<g.inputChannels {
                    (target + channel * g.inputPixels)
                        .update(repeating: bias?[channel] ?? 0, count: g.inputPixels)
                }
                GEMM.multiply(
                    transposingA: true, transposingB: false, m: patch, n: pixels,
                    k: g.outputChannels, a: filter, lda: patch, b: source, ldb: pixels,
                    beta: columns == nil ? 1 : 0, c: columns ?? target, ldc: pixels)
                if let columns { fold(columns, geometry: g, addingInto: target) }
            }
        }
    }

    /// `filterGradient = Σ_images upstream · unfold(input)ᵀ`, the backward-filter pass.
    static func backwardFilter(
        input: UnsafePointer<Float>, upstream: UnsafePointer<Float>,
        filterGradient: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry
    ) {
        if usesPrimitives(g, .backwardFilter),
            ConvolutionPrimitives.execute(
                g, .backwardFilter,
                arguments: [
                    (DNNL_ARG_SRC_0, UnsafeMutableRawPointer(mutating: input)),
                    (DNNL_ARG_DIFF_DST_0, UnsafeMutableRawPointer(mutating: upstream)),
                    (DNNL_ARG_DIFF_WEIGHTS_0, UnsafeMutableRawPointer(filterGradient)),
                ])
        {
            return
        }
        let patch = g.patchSize, pixels = g.outputPixels
        if g.batch == 0 {
            filterGradient.update(repeating: 0, count: g.outputChannels * patch)
            return
        }
        // Each part of the batch sums its images' products into a gradient of its own (the
        // first part into `filterGradient` itself); the parts are added in order afterwards.
        let parts = imageParts(g.batch).count, size = g.outputChannels * patch
        let partial = parts > 1 ? TensorStorage(uninitializedCount: (parts - 1) * size) : nil
        forImages(g) { part, images, columns in
            let sum = part == 0 ? filterGradient : partial!.base + (part - 1) * size
            for image in images {
                let source = input + image * g.inputChannels * g.inputPixels
                let unfolded: UnsafePointer<Float>
                if let columns {
                    unfold(source, geometry: g, into: columns)
                    unfolded = UnsafePointer(columns)
                } else {
                    unfolded = source
                }
                GEMM.multiply(
                    transposingA: false, transposingB: true, m: g.outputChannels, n: patch,
                    k: pixels, a: upstream + image * g.outputChannels * pixels, lda: pixels,
                    b: unfolded, ldb: pixels, beta: image == images.lowerBound ? 0 : 1, c: sum,
                    ldc: patch)
            }
        }
        if let partial {
            for part in 1..<parts {
                let source = partial.base + (part - 1) * size
                for index in 0..<size { filterGradient[index] += source[index] }
            }
        }
    }

    // MARK: - Unfolding

    /// The number and size of the parts the im2col passes split a batch of `batch` images
    /// into: one per thread, at most one per image. The parts depend only on these counts, so
    /// a pass sums in the same order whether the parts run on the worker pool or one after
    /// another.
    private static func imageParts(_ batch: Int) -> (count: Int, size: Int) {
        let threads = Swift.max(1, Swift.min(Parallel.threadCount, (WorkerPool.shared?.workerCount ?? 0) + 1, batch))
        let size = Swift.max(1, (batch + threads - 1) / threads)
        // No part is left empty: 5 images on 4 threads are 3 parts of 2, 2 and 1.
        return (Swift.max(1, (batch + size - 1) / size), size)
    }

    /// Runs `body(part, images, columns)` for each of the ``imageParts(_:)`` consecutive ranges
    /// of the batch's images, on the worker pool when it is free (one small product per image
    /// would leave all but one core idle), else one part after another on this thread. Each
    /// part gets a scratch matrix of `patchSize × outputPixels` scalars of its own, or `nil`
    /// when the geometry needs none (a pointwise convolution reads the input as it is). On the
    /// pool the products inside a part run single-threaded; when the parts run here, a large
    /// product may still be shared out by ``GEMM`` if the pool has become free.
    private static func forImages(
        _ g: ConvolutionGeometry, _ body: (Int, Range<Int>, UnsafeMutablePointer<Float>?) -> Void
    ) {
        let (parts, size) = imageParts(g.batch)
        func runPart(_ part: Int) {
            let lower = Swift.min(g.batch, part * size), images = lower..<Swift.min(g.batch, lower + size)
            if g.isPointwise { return body(part, images, nil) }
            let columns = TensorStorage(uninitializedCount: g.patchSize * g.outputPixels)
            body(part, images, columns.base)
        }
        if parts > 1, WorkerPool.shared?.run(chunks: parts, runPart) == true { return }
        for part in 0..<parts { runPart(part) }
    }

    /// The output columns `lower..<upper` whose input column `column·stride − padding + offset`
    /// lies inside `0..<width`.
    @inline(__always)
    private static func validColumns(offset: Int, geometry g: ConvolutionGeometry) -> Range<Int> {
        let first = offset - g.padding  // input column of output column 0
        let lower = first >= 0 ? 0 : (-first + g.stride - 1) / g.stride
        let last = g.inputWidth - 1 - first  // input column span available to the right
        let upper = last < 0 ? 0 : last / g.stride + 1
        let clampedLower = Swift.min(lower, g.outputWidth)
        return clampedLower..<Swift.max(clampedLower, Swift.min(upper, g.outputWidth))
    }

    /// im2col: row `(c, i, j)` of `columns` holds, for every output position, the input scalar
    /// the kernel tap `(i, j)` of channel `c` sees there (zero in the padding).
    private static func unfold(
        _ image: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
        into columns: UnsafeMutablePointer<Float>
    ) {
        let width = g.outputWidth, stride = g.stride
        var row = columns
        for channel in 0..<g.inputChannels {
            let plane = image + channel * g.inputPixels
            for tapRow in 0..<g.kernelHeight {
                for tapColumn in 0..<g.kernelWidth {
                    let valid = validColumns(offset: tapColumn, geometry: g)
                    let shift = tapColumn - g.padding
                    for outputRow in 0..<g.outputHeight {
                        let target = row + outputRow * width
                        let inputRow = outputRow * stride - g.padding + tapRow
                        guard inputRow >= 0 && inputRow < g.inputHeight, !valid.isEmpty else {
                            target.update(repeating: 0, count: width)
                            continue
                        }
                        let source = plane + inputRow * g.inputWidth + shift
                        target.update(repeating: 0, count: valid.lowerBound)
                        if stride == 1 {
                            (target + valid.lowerBound).update(
                                from: source + valid.lowerBound, count: valid.count)
                        } else {
                            for column in valid { target[column] = source[column * stride] }
                        }
                        (target + valid.upperBound)
                            .update(repeating: 0, count: width - valid.upperBound)
                    }
                    row += g.outputPixels
                }
            }
        }
    }

    /// col2im, the adjoint of ``unfold``: adds each entry of `columns` onto the input scalar it
    /// was read from.
    private static func fold(
        _ columns: UnsafePointer<Float>, geometry g: ConvolutionGeometry,
        addingInto image: UnsafeMutablePointer<Float>
    ) {
        let width = g.outputWidth, stride = g.stride
        var row = columns
        for channel in 0..<g.inputChannels {
            let plane = image + channel * g.inputPixels
            for tapRow in 0..<g.kernelHeight {
                for tapColumn in 0..<g.kernelWidth {
                    let valid = validColumns(offset: tapColumn, geometry: g)
                    let shift = tapColumn - g.padding
                    if !valid.isEmpty {
                        for outputRow in 0..<g.outputHeight {
                            let inputRow = outputRow * stride - g.padding + tapRow
                            guard inputRow >= 0 && inputRow < g.inputHeight else { continue }
                            let source = row + outputRow * width
                            let target = plane + inputRow * g.inputWidth + shift
                            if stride == 1 {
                                for column in valid { target[column] += source[column] }
                            } else {
                                for column in valid { target[column * stride] += source[column] }
                            }
                        }
                    }
                    row += g.outputPixels
                }
            }
        }
    }
}
