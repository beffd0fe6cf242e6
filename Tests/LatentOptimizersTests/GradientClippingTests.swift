import LatentNN
import LatentTensor
import Testing

@testable import LatentOptimizers

@Suite("Gradient clipping and parameter clamping")
struct GradientClippingTests {
    @Test func normIsJointOverAllGradients() {
        #expect(gradientNorm([Tensor([3]), Tensor(shape: [2, 2], scalars: [0, 4, 0, 0])]) == 5)
    }

    @Test func largeGradientsAreScaledToTheMaximum() {
        let (clipped, norm) = clipGradientNorm([Tensor([3, 0]), Tensor([4])], maxNorm: 1)
        #expect(norm == 5)
        // PyTorch's factor: maxNorm / (norm + 1e-6).
        let factor: Float = 1 / (5 + 1e-6)
        #expect(clipped[0].scalars == [3 * factor, 0])
        #expect(clipped[1].scalars == [4 * factor])
        #expect(abs(gradientNorm(clipped) - 1) < 1e-6)
    }

    @Test func smallGradientsAreUnchanged() {
        let gradients = [Tensor([0.3, 0.4])]
        let (clipped, norm) = clipGradientNorm(gradients, maxNorm: 1)
        #expect(abs(norm - 0.5) < 1e-7)
        #expect(clipped[0].scalars == gradients[0].scalars)
    }

    @Test func inPlaceClippingDoesNotTouchSharedStorage() {
        let original = Tensor([6, 8])
        var gradients = [original]
        let norm = clipGradientNorm(&gradients, maxNorm: 5)
        #expect(norm == 10)
        #expect(original.scalars == [6, 8])
        #expect(abs(gradients[0].scalars[0] - 3) < 1e-5)
    }

    @Test func nonFiniteNormLeavesGradientsForTheCallerToSkip() {
        let (clipped, norm) = clipGradientNorm([Tensor([.infinity, 1])], maxNorm: 1)
        #expect(!norm.isFinite)
        #expect(clipped[0].scalars == [.infinity, 1])
    }

    @Test func clampingKeepsEveryScalarInRange() {
        let parameters = [Parameter(Tensor([-0.5, 0.001, 0.2])), Parameter(Tensor([0.01]))]
        clampParameters(parameters, to: -0.01...0.01)
        #expect(parameters[0].value.scalars == [-0.01, 0.001, 0.01])
        #expect(parameters[1].value.scalars == [0.01])
        #expect(parameters[0].value.requiresGradient)
    }
}
