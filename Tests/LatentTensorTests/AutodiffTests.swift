import Testing
import LatentTensor
import TestSupport

@Suite("Autodiff")
struct AutodiffTests {
    var generator = SplitMix64(seed: 11)

    @Test mutating func squareOfSharedInputAccumulates() {
        let x = Tensor([1, -2, 3]).requiringGradient()
        let gradient = (x * x).sum().gradients(withRespectTo: [x])[0]
        #expect(gradient.scalars == [2, -4, 6])
    }

    @Test mutating func broadcastingBinaryOpsHaveCorrectGradients() {
        let a = Tensor(randomNormal: [3, 4], using: &generator)
        let b = Tensor(randomUniform: [4], lowerBound: 0.5, upperBound: 2, using: &generator)
        let error = GradientCheck.maximumError(at: [a, b]) { ($0[0] * $0[1] + $0[0] / $0[1] - $0[1]) }
        #expect(error < 1e-2)
    }

    @Test mutating func matmulGradientsForAllTransposes() {
        for (tA, tB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Tensor(randomNormal: tA ? [4, 3] : [3, 4], using: &generator)
            let b = Tensor(randomNormal: tB ? [5, 4] : [4, 5], using: &generator)
            let error = GradientCheck.maximumError(at: [a, b]) {
                $0[0].matmul($0[1], transposingSelf: tA, transposingOther: tB)
            }
            #expect(error < 1e-2, "transposes \(tA), \(tB)")
        }
    }

    @Test mutating func secondOrderPenaltyOfSmallMLP() {
        let x = Tensor(randomNormal: [4, 3], using: &generator)
        let w1 = Tensor(randomNormal: [3, 5], standardDeviation: 0.5, using: &generator)
        let w2 = Tensor(randomNormal: [5, 1], standardDeviation: 0.5, using: &generator)
        let error = GradientCheck.maximumSecondOrderError(parameters: [w1, w2]) { weights in
            let input = x.requiringGradient()
            let output = input.matmul(weights[0]).tanh().matmul(weights[1]).sum()
            let gradient = output.gradients(withRespectTo: [input], createsGraph: true)[0]
            return (gradient.squared().sum(alongAxis: 1).sqrt() - 1).squared().mean()
        }
        #expect(error < 1e-2)
    }
}
