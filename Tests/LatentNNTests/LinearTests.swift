import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("Linear")
struct LinearTests {
    var generator = SplitMix64(seed: 7)

    @Test(arguments: [(1, 1), (3, 2), (784, 400)])
    mutating func weightIsOutputByInput(inputs: Int, outputs: Int) {
        let layer = Linear(inputFeatures: inputs, outputFeatures: outputs, using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(layer.weight.shape == [outputs, inputs])
        #expect(layer.bias?.shape == [outputs])
    }

    @Test mutating func withoutBiasHasOnlyAWeight() {
        let layer = Linear(inputFeatures: 3, outputFeatures: 2, bias: false, using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight"])
    }

    @Test mutating func forwardIsInputTimesWeightTransposedPlusBias() {
        let layer = Linear(inputFeatures: 3, outputFeatures: 2, using: &generator)
        layer.weight.value = Tensor(shape: [2, 3], scalars: [1, 2, 3, -1, 0, 1])
        layer.bias?.value = Tensor([0.5, -0.5])
        let input = Tensor(shape: [2, 3], scalars: [1, 1, 1, 2, 0, -1])
        // Row 1: [1+2+3, −1+0+1] + bias; row 2: [2+0−3, −2+0−1] + bias.
        #expect(Close.tensor(layer(input), shape: [2, 2], [6.5, -0.5, -0.5, -3.5]))
    }

    @Test mutating func leadingAxesAreKept() {
        let layer = Linear(inputFeatures: 4, outputFeatures: 3, using: &generator)
        let input = Tensor(randomNormal: [2, 5, 4], using: &generator)
        let output = layer(input)
        #expect(output.shape == [2, 5, 3])
        let rowByRow = layer(input.reshaped(to: [10, 4])).reshaped(to: [2, 5, 3])
        #expect(Close.tensors(output, rowByRow))
    }

    @Test mutating func defaultInitialisationIsWithinOneOverRootFanIn() {
        let layer = Linear(inputFeatures: 25, outputFeatures: 40, using: &generator)
        let bound: Float = 1 / 5
        #expect(layer.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.bias!.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.value.scalars.map(abs).max()! > 0.9 * bound)
    }

    @Test mutating func gradientsReachWeightAndBias() {
        let layer = Linear(inputFeatures: 3, outputFeatures: 2, using: &generator)
        let input = Tensor(randomNormal: [4, 3], using: &generator)
        let error = GradientCheck.maximumError(at: [input, layer.weight.value, layer.bias!.value]) {
            $0[0].matmul($0[1], transposingOther: true) + $0[2]
        }
        #expect(error < 1e-2)
        let gradients = layer(input).sum().gradients(withRespectTo: layer.parameters.map(\.value))
        #expect(Close.tensor(gradients[1], shape: [2], [4, 4]))
    }
}
