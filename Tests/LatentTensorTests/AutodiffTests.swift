import LatentTensor
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        let error = GradientCheck.maximumError(at: [a, b]) {
            ($0[0] * $0[1] + $0[0] / $0[1] - $0[1])
        }
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

    // MARK: - Semantics

    @Test func diamondGraphSumsBothPaths() {
        // z = exp(y) + y² with y = 2x: dz/dx = 2 (exp(2x) + 4x).
        let x = Tensor([0.5, -1]).requiringGradient()
        let y = x * 2
        let gradient = (y.exp() + y.squared()).sum().gradients(withRespectTo: [x])[0]
        let expected = x.scalars.map { 2 * (Float(exp(Double(2 * $0))) + 4 * $0) }
        #expect(Close.tensor(gradient, shape: [2], expected))
    }

    @Test func tensorUsedInSeveralOperandsAccumulates() {
        let x = Tensor([2, 3]).requiringGradient()
        // d/dx (x·x + 3x − x/x) = 2x + 3.
        let gradient = (x * x + 3 * x - x / x).sum().gradients(withRespectTo: [x])[0]
        #expect(Close.tensor(gradient, shape: [2], [7, 9]))
    }

    // Backpropagation adds a gradient into a sum in place only when nothing else holds the
    // sum: the seed, a target's result and a gradient routed to two inputs stay as they were.
    @Test func accumulatingInPlaceLeavesSharedGradientsAlone() {
        let x = Tensor(shape: [300, 512], repeating: 0.5).requiringGradient()
        let threeUses = (x * 2 + x * 3 + x * 4).sum().gradients(withRespectTo: [x])[0]
        #expect(threeUses.scalars.allSatisfy { $0 == 9 })

        let seed = Tensor([1, 1])
        let small = Tensor([1, 2]).requiringGradient()
        // `+` hands the seed itself to both operands; the second use adds to that sum.
        let gradient = (small + small + small).gradients(withRespectTo: [small], seed: seed)[0]
        #expect(gradient.scalars == [3, 3])
        #expect(seed.scalars == [1, 1])

        let hidden = small * 1
        let gradients = (hidden + hidden + hidden * 2).sum().gradients(withRespectTo: [hidden, small])
        #expect(gradients[0].scalars == [4, 4])
        #expect(gradients[1].scalars == [4, 4])
    }

    @Test func unusedTargetGetsZeros() {
        let x = Tensor([1, 2]).requiringGradient()
        let unused = Tensor(shape: [2, 2], repeating: 1).requiringGradient()
        let gradients = (x * 3).sum().gradients(withRespectTo: [x, unused])
        #expect(gradients[0].scalars == [3, 3])
        #expect(gradients[1].shape == [2, 2] && gradients[1].scalars == [0, 0, 0, 0])
        let constant = Tensor([1, 2]).sum()
        #expect(constant.gradients(withRespectTo: [x])[0].scalars == [0, 0])
    }

    @Test func detachedStopsGradients() {
        let x = Tensor([1, 2]).requiringGradient()
        let gradient = (x * x.detached()).sum().gradients(withRespectTo: [x])[0]
        #expect(gradient.scalars == [1, 2])
        #expect(!x.detached().requiresGradient)
    }

    @Test func withoutGradientsRecordsNothing() {
        let x = Tensor([1, 2]).requiringGradient()
        let y = withoutGradients { (x * x).exp().sum() }
        #expect(!y.requiresGradient)
        #expect(GradientRecording.isEnabled && withoutGradients { !GradientRecording.isEnabled })
        let recorded = withoutGradients { withGradientRecording(true) { x * x } }
        #expect(recorded.requiresGradient)
    }

    @Test func gradientWithRespectToAnIntermediate() {
        let x = Tensor([1, 2]).requiringGradient()
        let hidden = x * 3
        let loss = (hidden * hidden).sum()
        let gradients = loss.gradients(withRespectTo: [hidden, x])
        #expect(gradients[0].scalars == [6, 12])  // 2 · hidden
        #expect(gradients[1].scalars == [18, 36])  // 18 x
        #expect(loss.gradients(withRespectTo: [loss])[0].scalar == 1)
    }

    @Test func seedWeightsTheVectorJacobianProduct() {
        let x = Tensor([1, 2, 3]).requiringGradient()
        let gradient = x.squared().gradients(withRespectTo: [x], seed: Tensor([1, 0, -1]))[0]
        #expect(gradient.scalars == [2, 0, -6])
    }

    @Test func gradientsWithoutCreatesGraphAreConstants() {
        let x = Tensor([1, 2]).requiringGradient()
        #expect(!x.squared().sum().gradients(withRespectTo: [x])[0].requiresGradient)
        #expect(
            x.squared().sum().gradients(withRespectTo: [x], createsGraph: true)[0].requiresGradient)
    }

    // MARK: - Second derivatives in closed form

    /// d²/dx² of `function`, summed over elements, through two backward passes.
    private func secondDerivative(_ function: (Tensor) -> Tensor, at values: [Float]) -> Tensor {
        let x = Tensor(values).requiringGradient()
        let first = function(x).sum().gradients(withRespectTo: [x], createsGraph: true)[0]
        return first.sum().gradients(withRespectTo: [x])[0]
    }

    @Test func secondDerivativesOfSigmoidTanhExp() {
        let values: [Float] = [-2, -0.3, 0, 0.7, 3]
        let s = values.map { 1 / (1 + Float(exp(Double(-$0)))) }
        let sigmoid = zip(s, values).map { y, _ in y * (1 - y) * (1 - 2 * y) }
        #expect(Close.tensor(secondDerivative({ $0.sigmoid() }, at: values), shape: [5], sigmoid))
        let t = values.map { Float(tanh(Double($0))) }
        #expect(
            Close.tensor(
                secondDerivative({ $0.tanh() }, at: values), shape: [5],
                t.map { -2 * $0 * (1 - $0 * $0) }))
        let e = values.map { Float(exp(Double($0))) }
        #expect(Close.tensor(secondDerivative({ $0.exp() }, at: values), shape: [5], e))
    }
}
