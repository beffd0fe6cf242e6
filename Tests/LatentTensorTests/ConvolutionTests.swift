import Foundation
@testable import LatentTensor
import TestSupport
import Testing

/// Convolution settings the checks sweep: stride 1 and 2, padding 0 and 1.
private let strideAndPadding = [(1, 0), (1, 1), (2, 0), (2, 1)]

/// Both implementations are checked: oneDNN's primitives and im2col + GEMM (the default picks
/// between them by channel count).
private let implementations: [ConvolutionImplementation] = [.primitives, .im2col]

@Suite("Convolution")
struct ConvolutionTests {
    var generator = SplitMix64(seed: 23)

    // MARK: - Forward values

    @Test func conv2dOfKnownImage() {
        // 1…9 in a 3×3 image; a 2×2 filter of ones sums each window; stride 1, no padding.
        let image = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init))
        let result = image.conv2d(filter: Tensor(ones: [1, 1, 2, 2]))
        #expect(result.shape == [1, 1, 2, 2])
        #expect(result.scalars == [12, 16, 24, 28])
        // With padding 1 and stride 2 the windows are the four corners, clipped by the padding.
        let corners = image.conv2d(filter: Tensor(ones: [1, 1, 2, 2]), stride: 2, padding: 1)
        #expect(corners.scalars == [1, 5, 11, 28])
    }

    @Test func convTranspose2dOfKnownImage() {
        // Each input scalar stamps the 2×2 filter [[1, 2], [3, 4]] at stride 2.
        let image = Tensor(shape: [1, 1, 1, 2], scalars: [1, 10])
        let filter = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let result = image.convTranspose2d(filter: filter, stride: 2)
        #expect(result.shape == [1, 1, 2, 4])
        #expect(result.scalars == [1, 2, 10, 20, 3, 4, 30, 40])
    }

    @Test(arguments: implementations, strideAndPadding)
    mutating func conv2dMatchesDirectLoop(
        implementation: ConvolutionImplementation, settings: (stride: Int, padding: Int)
    ) {
        let (stride, padding) = settings
        ConvolutionImplementation.with(implementation) {
            // 7×6 input: stride 2 leaves a remainder along one axis only.
            let input = Tensor(randomNormal: [2, 3, 7, 6], using: &generator)
            let filter = Tensor(randomNormal: [4, 3, 3, 2], using: &generator)
            let bias = Tensor(randomNormal: [4], using: &generator)
            let result = input.conv2d(filter: filter, bias: bias, stride: stride, padding: padding)
            let expected = Reference.convolution(input, filter, bias: bias, stride: stride, padding: padding)
            #expect(result.shape == expected.shape)
            #expect(Close.tensors(result, expected, tolerance: 1e-5))
        }
    }

    @Test(arguments: implementations, strideAndPadding)
    mutating func convTranspose2dMatchesDirectLoop(
        implementation: ConvolutionImplementation, settings: (stride: Int, padding: Int)
    ) {
        let (stride, padding) = settings
        ConvolutionImplementation.with(implementation) {
            let input = Tensor(randomNormal: [2, 4, 3, 4], using: &generator)
            let filter = Tensor(randomNormal: [4, 3, 3, 3], using: &generator)
            let bias = Tensor(randomNormal: [3], using: &generator)
            let outputPadding = stride - 1
            let result = input.convTranspose2d(
                filter: filter, bias: bias, stride: stride, padding: padding,
                outputPadding: outputPadding)
            let expected = Reference.transposedConvolution(
                input, filter, bias: bias, stride: stride, padding: padding,
                outputPadding: outputPadding)
            #expect(result.shape == expected.shape)
            #expect(Close.tensors(result, expected, tolerance: 1e-5))
        }
    }

    @Test(arguments: implementations, strideAndPadding)
    mutating func filterGradientMatchesDirectLoop(
        implementation: ConvolutionImplementation, settings: (stride: Int, padding: Int)
    ) {
        let (stride, padding) = settings
        ConvolutionImplementation.with(implementation) {
            let input = Tensor(randomNormal: [3, 2, 6, 5], using: &generator)
            let outputHeight = (6 + 2 * padding - 3) / stride + 1
            let outputWidth = (5 + 2 * padding - 2) / stride + 1
            let upstream = Tensor(randomNormal: [3, 4, outputHeight, outputWidth], using: &generator)
            let result = Tensor.conv2dFilterGradient(
                input: input, upstream: upstream, kernelHeight: 3, kernelWidth: 2, stride: stride,
                padding: padding)
            let expected = Reference.filterGradient(
                input, upstream, kernelHeight: 3, kernelWidth: 2, stride: stride, padding: padding)
            #expect(Close.tensors(result, expected, tolerance: 1e-5))
        }
    }

    /// im2col shares a batch out over the worker pool in parts of consecutive images (each
    /// filter-gradient part summing into its own buffer): batches of 1, 2, 3 and 5 images, so
    /// parts are uneven and single, match the direct loops in all three passes.
    @Test(arguments: [1, 2, 3, 5])
    mutating func im2colSplitOverImagesMatchesDirectLoops(batch: Int) {
        // The split needs the worker pool, which a one-core machine does not have.
        #expect(ProcessInfo.processInfo.activeProcessorCount > 1, "one core: nothing splits")
        let input = Tensor(randomNormal: [batch, 2, 7, 6], using: &generator)
        let filter = Tensor(randomNormal: [5, 2, 3, 3], using: &generator)
        let bias = Tensor(randomNormal: [5], using: &generator)
        let upstream = Tensor(randomNormal: [batch, 5, 4, 3], using: &generator)
        let transposedBias = Tensor(randomNormal: [2], using: &generator)
        // Two threads even where the tests run with OMP_NUM_THREADS=1, so the batch splits.
        Parallel.withThreadCount(2) {
            ConvolutionImplementation.with(.im2col) {
                Self.expectPassesMatchDirectLoops(
                    input: input, filter: filter, upstream: upstream, bias: bias, transposedBias: transposedBias,
                    stride: 2, padding: 1, outputPadding: 1, tolerance: 1e-5)
                // A 1×1 stride-1 convolution reads the images without unfolding them.
                Self.expectPassesMatchDirectLoops(
                    input: input, filter: Tensor(randomNormal: [5, 2, 1, 1], using: &generator),
                    upstream: Tensor(randomNormal: [batch, 5, 7, 6], using: &generator), bias: bias,
                    transposedBias: transposedBias, stride: 1, padding: 0, outputPadding: 0, tolerance: 1e-5)
            }
        }
    }

    /// The forward pass of `filter` on `input`, its transpose on `upstream` and the filter
    /// gradient of `input` and `upstream` against the direct loops.
    static func expectPassesMatchDirectLoops(
        input: Tensor, filter: Tensor, upstream: Tensor, bias: Tensor?, transposedBias: Tensor?, stride: Int,
        padding: Int, outputPadding: Int, tolerance: Float = 1e-4
    ) {
        let (height, width) = (filter.shape[2], filter.shape[3])
        #expect(Close.tensors(
            input.conv2d(filter: filter, bias: bias, stride: stride, padding: padding),
            Reference.convolution(input, filter, bias: bias, stride: stride, padding: padding), tolerance: tolerance))
        #expect(Close.tensors(
            upstream.convTranspose2d(
                filter: filter, bias: transposedBias, stride: stride, padding: padding, outputPadding: outputPadding),
            Reference.transposedConvolution(
                upstream, filter, bias: transposedBias, stride: stride, padding: padding, outputPadding: outputPadding),
            tolerance: tolerance))
        #expect(Close.tensors(
            Tensor.conv2dFilterGradient(
                input: input, upstream: upstream, kernelHeight: height, kernelWidth: width, stride: stride,
                padding: padding),
            Reference.filterGradient(
                input, upstream, kernelHeight: height, kernelWidth: width, stride: stride, padding: padding),
            tolerance: 10 * tolerance))
    }

    /// The default chooses pass by pass (primitives for the forward and filter passes from 16
    /// output channels, for backward-data from 8 input channels as well): an image's first
    /// layer with 1 and with 3 channels and a layer with 8 input channels match the direct
    /// loops in all three passes.
    @Test(arguments: [1, 3, 8])
    mutating func automaticChoiceMatchesDirectLoops(inputChannels: Int) {
        #expect(ConvolutionImplementation.inUse == .automatic)
        let geometry = Tensor.geometry(
            operation: "test", input: [3, inputChannels, 12, 12], filter: [16, inputChannels, 4, 4], stride: 2,
            padding: 1)
        #expect(ConvolutionImplementation.automaticUsesPrimitives(geometry, .forward(bias: false)))
        #expect(ConvolutionImplementation.automaticUsesPrimitives(geometry, .backwardFilter))
        #expect(ConvolutionImplementation.automaticUsesPrimitives(geometry, .backwardData) == (inputChannels >= 8))
        let narrow = Tensor.geometry(
            operation: "test", input: [3, 64, 12, 12], filter: [8, 64, 4, 4], stride: 2, padding: 1)
        #expect(!ConvolutionImplementation.automaticUsesPrimitives(narrow, .forward(bias: true)))
        #expect(!ConvolutionImplementation.automaticUsesPrimitives(narrow, .backwardData))
        let input = Tensor(randomNormal: [3, inputChannels, 12, 12], using: &generator)
        let filter = Tensor(randomNormal: [16, inputChannels, 4, 4], standardDeviation: 0.2, using: &generator)
        Self.expectPassesMatchDirectLoops(
            input: input, filter: filter, upstream: Tensor(randomNormal: [3, 16, 6, 6], using: &generator), bias: nil,
            transposedBias: nil, stride: 2, padding: 1, outputPadding: 0)
    }

    @Test func primitivesExistForTheDCGANShapes() {
        for (input, filter) in [([64, 1, 28, 28], [64, 1, 4, 4]), ([64, 64, 14, 14], [128, 64, 4, 4])] {
            let names = ConvolutionImplementation.primitiveNames(
                input: input, filter: filter, stride: 2, padding: 1)
            #expect(names.forward != nil && names.backwardData != nil && names.backwardFilter != nil)
        }
    }

    @Test mutating func dcganShapes() {
        // The discriminator's 28 → 14 → 7 and the generator's 7 → 14 → 28, batch 2.
        let image = Tensor(randomNormal: [2, 1, 28, 28], using: &generator)
        let first = image.conv2d(filter: Tensor(zeros: [64, 1, 4, 4]), stride: 2, padding: 1)
        let second = first.conv2d(filter: Tensor(zeros: [128, 64, 4, 4]), stride: 2, padding: 1)
        #expect(first.shape == [2, 64, 14, 14] && second.shape == [2, 128, 7, 7])
        let up = second.convTranspose2d(filter: Tensor(zeros: [128, 64, 4, 4]), stride: 2, padding: 1)
        let out = up.convTranspose2d(filter: Tensor(zeros: [64, 1, 4, 4]), stride: 2, padding: 1)
        #expect(up.shape == [2, 64, 14, 14] && out.shape == [2, 1, 28, 28])
    }

    // MARK: - Errors

    @Test func channelMismatchNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor(zeros: [1, 3, 8, 8]).conv2d(filter: Tensor(zeros: [4, 2, 3, 3]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("conv2d") && message.contains("[1, 3, 8, 8]")
                && message.contains("[4, 2, 3, 3]"))
    }

    @Test func filterGradientOfTheWrongUpstreamNamesTheShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor.conv2dFilterGradient(
                input: Tensor(zeros: [1, 2, 8, 8]), upstream: Tensor(zeros: [1, 4, 5, 5]),
                kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("conv2dFilterGradient") && message.contains("[1, 4, 5, 5]")
                && message.contains("[1, 4, 4, 4]"))
    }

    // MARK: - Gradients

    @Test(arguments: implementations, strideAndPadding)
    mutating func conv2dGradients(
        implementation: ConvolutionImplementation, settings: (stride: Int, padding: Int)
    ) {
        let (stride, padding) = settings
        ConvolutionImplementation.with(implementation) {
            let input = Tensor(randomNormal: [2, 2, 5, 6], using: &generator)
            let filter = Tensor(randomNormal: [3, 2, 3, 2], using: &generator)
            let bias = Tensor(randomNormal: [3], using: &generator)
            let error = GradientCheck.maximumError(at: [input, filter, bias]) {
                $0[0].conv2d(filter: $0[1], bias: $0[2], stride: stride, padding: padding)
            }
            #expect(error < 1e-2)
        }
    }

    @Test(arguments: implementations, strideAndPadding)
    mutating func convTranspose2dGradients(
        implementation: ConvolutionImplementation, settings: (stride: Int, padding: Int)
    ) {
        let (stride, padding) = settings
        ConvolutionImplementation.with(implementation) {
            let input = Tensor(randomNormal: [2, 3, 3, 2], using: &generator)
            let filter = Tensor(randomNormal: [3, 2, 3, 3], using: &generator)
            let bias = Tensor(randomNormal: [2], using: &generator)
            let error = GradientCheck.maximumError(at: [input, filter, bias]) {
                $0[0].convTranspose2d(
                    filter: $0[1], bias: $0[2], stride: stride, padding: padding,
                    outputPadding: stride - 1)
            }
            #expect(error < 1e-2)
        }
    }

    @Test(arguments: implementations, strideAndPadding)
    mutating func filterGradientGradients(
        implementation: ConvolutionImplementation, settings: (stride: Int, padding: Int)
    ) {
        let (stride, padding) = settings
        ConvolutionImplementation.with(implementation) {
            let input = Tensor(randomNormal: [2, 2, 5, 4], using: &generator)
            let outputHeight = (5 + 2 * padding - 3) / stride + 1
            let outputWidth = (4 + 2 * padding - 3) / stride + 1
            let upstream = Tensor(randomNormal: [2, 2, outputHeight, outputWidth], using: &generator)
            let error = GradientCheck.maximumError(at: [input, upstream]) {
                Tensor.conv2dFilterGradient(
                    input: $0[0], upstream: $0[1], kernelHeight: 3, kernelWidth: 3, stride: stride,
                    padding: padding)
            }
            #expect(error < 1e-2)
        }
    }

    /// The WGAN-GP path with a convolutional critic: the weights' gradient of
    /// `mean((‖∂f/∂x‖₂ − 1)²)` against finite differences; tolerance 1e-2.
    @Test(arguments: implementations)
    func secondOrderPenaltyOfSmallConvNet(implementation: ConvolutionImplementation) throws {
        // Seed 22 keeps every pre-activation at least 0.1 from leakyReLU's kink, further than a
        // finite-difference step of 1e-2 can move it (|x| < 3).
        var generator = SplitMix64(seed: 22)
        let x = Tensor(randomNormal: [2, 1, 6, 6], using: &generator)
        let w1 = Tensor(randomNormal: [3, 1, 3, 3], standardDeviation: 0.5, using: &generator)
        let b1 = Tensor(randomNormal: [3], standardDeviation: 0.5, using: &generator)
        let w2 = Tensor(randomNormal: [1, 3, 3, 3], standardDeviation: 0.5, using: &generator)
        let preActivations = x.conv2d(filter: w1, bias: b1, stride: 2, padding: 1)
        try #require(preActivations.abs().min().scalar > 0.1)
        let error = ConvolutionImplementation.with(implementation) {
            GradientCheck.maximumSecondOrderError(parameters: [w1, b1, w2]) { weights in
                let input = x.requiringGradient()
                let hidden = input.conv2d(filter: weights[0], bias: weights[1], stride: 2, padding: 1)
                    .leakyReLU(negativeSlope: 0.2)
                let output = hidden.conv2d(filter: weights[2]).sum()
                let gradient = output.gradients(withRespectTo: [input], createsGraph: true)[0]
                return (gradient.flattened(fromAxis: 1).squared().sum(alongAxis: 1).sqrt() - 1)
                    .squared().mean()
            }
        }
        #expect(error < 1e-2)
    }

    /// Second order through a generator-like transposed convolution and both poolings, with
    /// respect to the weights and the input; tolerance 1e-2.
    @Test(arguments: implementations)
    mutating func secondOrderThroughTransposedConvolutionAndPooling(
        implementation: ConvolutionImplementation
    ) {
        let z = Tensor(randomNormal: [2, 2, 2, 2], using: &generator)
        let w1 = Tensor(randomNormal: [2, 2, 4, 4], standardDeviation: 0.5, using: &generator)
        let w2 = Tensor(randomNormal: [1, 2, 3, 3], standardDeviation: 0.5, using: &generator)
        let error = ConvolutionImplementation.with(implementation) {
            GradientCheck.maximumSecondOrderError(parameters: [w1, w2]) { weights in
                let input = z.requiringGradient()
                let image = input.convTranspose2d(filter: weights[0], stride: 2, padding: 1).tanh()
                let features = image.conv2d(filter: weights[1], padding: 1).tanh()
                let output = (features.maxPool2d() + features.avgPool2d()).squared().sum()
                let gradient = output.gradients(withRespectTo: [input], createsGraph: true)[0]
                return gradient.squared().sum()
            }
        }
        #expect(error < 1e-2)
    }
}

/// Direct convolution loops in Double, the reference for the forward values.
enum Reference {
    static func convolution(
        _ input: Tensor, _ filter: Tensor, bias: Tensor?, stride: Int, padding: Int
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, kh, kw) = (filter.shape[0], filter.shape[2], filter.shape[3])
        let oh = (h + 2 * padding - kh) / stride + 1, ow = (w + 2 * padding - kw) / stride + 1
        let x = input.scalars, f = filter.scalars, b = bias?.scalars
        var out = [Double](repeating: 0, count: n * o * oh * ow)
        for image in 0..<n {
            for channel in 0..<o {
                for row in 0..<oh {
                    for column in 0..<ow {
                        var sum = Double(b?[channel] ?? 0)
                        for source in 0..<c {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let y = row * stride - padding + i, z = column * stride - padding + j
                                    guard y >= 0 && y < h && z >= 0 && z < w else { continue }
                                    sum += Double(x[((image * c + source) * h + y) * w + z])
                                        * Double(f[((channel * c + source) * kh + i) * kw + j])
                                }
                            }
                        }
                        out[((image * o + channel) * oh + row) * ow + column] = sum
                    }
                }
            }
        }
        return Tensor(shape: [n, o, oh, ow], scalars: out.map(Float.init))
    }

    static func transposedConvolution(
        _ input: Tensor, _ filter: Tensor, bias: Tensor?, stride: Int, padding: Int,
        outputPadding: Int
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, kh, kw) = (filter.shape[1], filter.shape[2], filter.shape[3])
        let oh = (h - 1) * stride - 2 * padding + kh + outputPadding
        let ow = (w - 1) * stride - 2 * padding + kw + outputPadding
        let x = input.scalars, f = filter.scalars, b = bias?.scalars
        var out = [Double](repeating: 0, count: n * o * oh * ow)
        for image in 0..<n {
            for channel in 0..<o {
                for index in 0..<(oh * ow) {
                    out[(image * o + channel) * oh * ow + index] = Double(b?[channel] ?? 0)
                }
            }
            for source in 0..<c {
                for row in 0..<h {
                    for column in 0..<w {
                        let value = Double(x[((image * c + source) * h + row) * w + column])
                        for channel in 0..<o {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let y = row * stride - padding + i, z = column * stride - padding + j
                                    guard y >= 0 && y < oh && z >= 0 && z < ow else { continue }
                                    out[((image * o + channel) * oh + y) * ow + z] +=
                                        value * Double(f[((source * o + channel) * kh + i) * kw + j])
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, o, oh, ow], scalars: out.map(Float.init))
    }

    static func filterGradient(
        _ input: Tensor, _ upstream: Tensor, kernelHeight kh: Int, kernelWidth kw: Int,
        stride: Int, padding: Int
    ) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (o, oh, ow) = (upstream.shape[1], upstream.shape[2], upstream.shape[3])
        let x = input.scalars, g = upstream.scalars
        var out = [Double](repeating: 0, count: o * c * kh * kw)
        for image in 0..<n {
            for channel in 0..<o {
                for source in 0..<c {
                    for i in 0..<kh {
                        for j in 0..<kw {
                            var sum = 0.0
                            for row in 0..<oh {
                                for column in 0..<ow {
                                    let y = row * stride - padding + i, z = column * stride - padding + j
                                    guard y >= 0 && y < h && z >= 0 && z < w else { continue }
                                    sum += Double(x[((image * c + source) * h + y) * w + z])
                                        * Double(g[((image * o + channel) * oh + row) * ow + column])
                                }
                            }
                            out[((channel * c + source) * kh + i) * kw + j] += sum
                        }
                    }
                }
            }
        }
        return Tensor(shape: [o, c, kh, kw], scalars: out.map(Float.init))
    }
}
