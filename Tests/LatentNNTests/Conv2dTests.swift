import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

/// The convolution written as PyTorch defines it, one output element at a time, in Double.
func naiveConvolution(
    _ input: Tensor, _ weight: Tensor, _ bias: Tensor?, stride: Int, padding: Int
) -> [Float] {
    let (n, cin, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (cout, k) = (weight.shape[0], weight.shape[2])
    let (oh, ow) = ((h + 2 * padding - k) / stride + 1, (w + 2 * padding - k) / stride + 1)
    let x = input.scalars
    let f = weight.scalars
    var output: [Float] = []
    for b in 0..<n {
        for o in 0..<cout {
            for i in 0..<oh {
                for j in 0..<ow {
                    var sum = Double(bias?.scalars[o] ?? 0)
                    for c in 0..<cin {
                        for p in 0..<k {
                            for q in 0..<k {
                                let (y, z) = (i * stride + p - padding, j * stride + q - padding)
                                guard (0..<h).contains(y), (0..<w).contains(z) else { continue }
                                sum +=
                                    Double(x[((b * cin + c) * h + y) * w + z])
                                    * Double(f[((o * cin + c) * k + p) * k + q])
                            }
                        }
                    }
                    output.append(Float(sum))
                }
            }
        }
    }
    return output
}

@Suite("Conv2d")
struct Conv2dTests {
    var generator = SplitMix64(seed: 31)

    @Test mutating func weightIsOutputByInputByKernel() {
        let layer = Conv2d(inputChannels: 3, outputChannels: 8, kernelSize: 5, using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(layer.namedParameters.map(\.parameter.shape) == [[8, 3, 5, 5], [8]])
        let bound = 1 / Float(75).squareRoot()
        #expect(layer.parameters.allSatisfy { $0.value.scalars.allSatisfy { abs($0) <= bound } })
        let unbiased = Conv2d(
            inputChannels: 3, outputChannels: 8, kernelSize: 5, bias: false, using: &generator)
        #expect(unbiased.namedParameters.map(\.name) == ["weight"])
    }

    @Test(arguments: [(1, 0), (1, 1), (2, 1), (2, 0)])
    mutating func forwardMatchesANaiveLoop(stride: Int, padding: Int) {
        let layer = Conv2d(
            inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: stride, padding: padding,
            using: &generator)
        let input = Tensor(randomNormal: [2, 2, 6, 5], using: &generator)
        let output = layer(input)
        let (h, w) = ((6 + 2 * padding - 3) / stride + 1, (5 + 2 * padding - 3) / stride + 1)
        let expected = naiveConvolution(
            input, layer.weight.value, layer.bias?.value, stride: stride, padding: padding)
        #expect(Close.tensor(output, shape: [2, 3, h, w], expected, tolerance: 1e-5))
    }

    @Test mutating func spectralNormWrapsAConvolution() {
        let conv = Conv2d(
            inputChannels: 2, outputChannels: 4, kernelSize: 3, padding: 1, using: &generator)
        let layer = SpectralNorm(conv, using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight_orig", "bias"])
        #expect(layer.namedBuffers.map(\.buffer.value.shape) == [[4], [18]])
        let input = Tensor(randomNormal: [1, 2, 4, 4], using: &generator)
        for _ in 0..<40 { _ = layer(input) }
        let normalized = layer.normalizedWeight()
        let expected = naiveConvolution(input, normalized, conv.bias?.value, stride: 1, padding: 1)
        #expect(Close.tensor(layer(input), shape: [1, 4, 4, 4], expected, tolerance: 1e-4))
    }
}
