import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("ConvTranspose2d")
struct ConvTranspose2dTests {
    var generator = SplitMix64(seed: 37)

    /// PyTorch's definition: input pixel (i, j) adds `x · weight[c, o]` to the output patch at
    /// (i·stride − padding, j·stride − padding); done here in Double.
    func naiveTransposedConvolution(
        _ input: Tensor, _ layer: ConvTranspose2d
    ) -> (shape: [Int], scalars: [Float]) {
        let (n, cin, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (cout, k) = (layer.weight.shape[1], layer.weight.shape[2])
        let (s, p) = (layer.stride, layer.padding)
        let oh = (h - 1) * s - 2 * p + k + layer.outputPadding
        let ow = (w - 1) * s - 2 * p + k + layer.outputPadding
        let x = input.scalars
        let f = layer.weight.value.scalars
        let bias = layer.bias?.value.scalars
        var output = [Double](repeating: 0, count: n * cout * oh * ow)
        for b in 0..<n {
            for o in 0..<cout {
                for y in 0..<oh {
                    for z in 0..<ow {
                        output[((b * cout + o) * oh + y) * ow + z] = Double(bias?[o] ?? 0)
                    }
                }
                for c in 0..<cin {
                    for i in 0..<h {
                        for j in 0..<w {
                            for u in 0..<k {
                                for v in 0..<k {
                                    let (y, z) = (i * s + u - p, j * s + v - p)
                                    guard (0..<oh).contains(y), (0..<ow).contains(z) else {
                                        continue
                                    }
                                    output[((b * cout + o) * oh + y) * ow + z] +=
                                        Double(x[((b * cin + c) * h + i) * w + j])
                                        * Double(f[((c * cout + o) * k + u) * k + v])
                                }
                            }
                        }
                    }
                }
            }
        }
        return ([n, cout, oh, ow], output.map(Float.init))
    }

    @Test mutating func weightIsInputByOutputByKernel() {
        let layer = ConvTranspose2d(
            inputChannels: 100, outputChannels: 64, kernelSize: 4, using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(layer.namedParameters.map(\.parameter.shape) == [[100, 64, 4, 4], [64]])
        // PyTorch's fan-in for this layout is outputChannels · k² = 1024.
        let bound = 1 / Float(1024).squareRoot()
        #expect(layer.parameters.allSatisfy { $0.value.scalars.allSatisfy { abs($0) <= bound } })
    }

    @Test(arguments: [(1, 0, 0), (2, 1, 0), (2, 1, 1), (3, 0, 2)])
    mutating func forwardMatchesANaiveLoop(stride: Int, padding: Int, outputPadding: Int) {
        let layer = ConvTranspose2d(
            inputChannels: 3, outputChannels: 2, kernelSize: 3, stride: stride, padding: padding,
            outputPadding: outputPadding, using: &generator)
        let input = Tensor(randomNormal: [2, 3, 3, 4], using: &generator)
        let expected = naiveTransposedConvolution(input, layer)
        #expect(
            Close.tensor(layer(input), shape: expected.shape, expected.scalars, tolerance: 1e-5))
    }

    @Test mutating func dcganUpsamplingDoublesTheSize() {
        let layer = ConvTranspose2d(
            inputChannels: 4, outputChannels: 2, kernelSize: 4, stride: 2, padding: 1, bias: false,
            using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight"])
        #expect(layer(Tensor(zeros: [1, 4, 7, 7])).shape == [1, 2, 14, 14])
    }
}
