import LatentNN
import LatentTensor
import TestSupport
import Testing

@testable import LatentOptimizers

/// Parameters after each of three steps, from `scripts/reference/optimizers.py` (PyTorch's update
/// rules re-implemented in numpy, float64), starting at `start` with `gradients` below.
enum Reference {
    static let start: [Float] = [0.5, -1.0, 2.0, 0.0]
    static let gradients: [[Float]] = [
        [0.1, -0.2, 0.3, -0.4],
        [-0.5, 0.25, 0.0, 1.5],
        [0.3, 0.3, -0.7, 0.05],
    ]

    static let sgdPlain: [[Float]] = [
        [0.49, -0.98, 1.97, 0.04],
        [0.54, -1.005, 1.97, -0.11],
        [0.51, -1.035, 2.04, -0.115],
    ]
    static let sgdMomentum: [[Float]] = [
        [0.49, -0.98, 1.97, 0.04],
        [0.531, -0.987, 1.943, -0.074],
        [0.5379, -1.0233, 1.9887, -0.1816],
    ]
    static let sgdNesterovWeightDecay: [[Float]] = [
        [0.48005, -0.9601, 1.9392, 0.076],
        [0.565632905, -0.98876581, 1.90959552, -0.1767444],
        [0.540014862, -1.04805047, 2.01406854, -0.278310146],
    ]
    static let sgdDampenedWeightDecay: [[Float]] = [
        [0.485, -0.97, 1.95, 0.04],
        [0.512135, -0.95677, 1.88745, -0.05936],
        [0.504947285, -0.96325207, 1.87716795, -0.15274976],
    ]
    static let adamDefaults: [[Float]] = [
        [0.490000001, -0.990000001, 1.99, 0.00999999975],
        [0.495983543, -0.991627323, 1.98329942, 0.00453533481],
        [0.496728887, -0.996914528, 1.98713334, 0.000107573598],
    ]
    static let adamWeightDecayBetas: [[Float]] = [
        [0.490000067, -0.990000033, 1.99000002, 0.009999975],
        [0.497306185, -0.990028555, 1.9819789, 0.00227800085],
        [0.494631731, -0.995210011, 1.9857056, -0.00220724552],
    ]
    static let adamW: [[Float]] = [
        [0.489500001, -0.989, 1.988, 0.00999999975],
        [0.494994043, -0.989638323, 1.97931142, 0.00452533481],
        [0.495244393, -0.99393589, 1.98116603, 9.30482633e-05],
    ]
    static let rmsprop: [[Float]] = [
        [0.4000001, -0.90000005, 1.90000003, 0.099999975],
        [0.498077011, -0.978239719, 1.90000003, 0.0033443971],
        [0.447171106, -1.04686983, 1.99205677, 0.000108009668],
    ]
    static let rmspropCenteredMomentumWeightDecay: [[Float]] = [
        [0.466666674, -0.96666667, 1.96666667, 0.0333333306],
        [0.467538737, -0.951764065, 1.92346311, 0.0318030459],
        [0.44903149, -0.955979068, 1.90740947, 0.0292510404],
    ]
}

@Suite("Optimizer reference steps")
struct OptimizerReferenceTests {
    /// Runs three steps of `optimizer` from the reference start and checks each against
    /// `expected` within 2e-6 · max(1, |x|) (Float32 against float64 arithmetic).
    func expectSteps(_ optimizer: some Optimizer, _ expected: [[Float]]) {
        let parameter = Parameter(Tensor(Reference.start))
        for (step, gradient) in Reference.gradients.enumerated() {
            optimizer.update([parameter], with: [Tensor(gradient)])
            #expect(
                Close.scalars(parameter.value.scalars, expected[step], tolerance: 2e-6),
                "step \(step + 1): \(parameter.value.scalars) against \(expected[step])")
        }
        #expect(optimizer.stepCount == 3)
    }

    @Test func sgdPlain() { expectSteps(SGD(learningRate: 0.1), Reference.sgdPlain) }

    @Test func sgdMomentum() {
        expectSteps(SGD(learningRate: 0.1, momentum: 0.9), Reference.sgdMomentum)
    }

    @Test func sgdNesterovWithWeightDecay() {
        expectSteps(
            SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
            Reference.sgdNesterovWeightDecay)
    }

    @Test func sgdDampenedWithWeightDecay() {
        expectSteps(
            SGD(learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.1),
            Reference.sgdDampenedWeightDecay)
    }

    @Test func adamWithDefaults() { expectSteps(Adam(learningRate: 0.01), Reference.adamDefaults) }

    @Test func adamWithWeightDecayAndBetas() {
        expectSteps(
            Adam(learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-6, weightDecay: 0.1),
            Reference.adamWeightDecayBetas)
    }

    @Test func adamW() {
        expectSteps(AdamW(learningRate: 0.01, weightDecay: 0.1), Reference.adamW)
    }

    @Test func rmsProp() { expectSteps(RMSProp(learningRate: 0.01), Reference.rmsprop) }

    @Test func rmsPropCenteredWithMomentumAndWeightDecay() {
        expectSteps(
            RMSProp(
                learningRate: 0.01, alpha: 0.9, momentum: 0.9, centered: true, weightDecay: 0.1),
            Reference.rmspropCenteredMomentumWeightDecay)
    }

    @Test func frozenParametersAreLeftAlone() {
        let frozen = Parameter(Tensor([1, 2]), isFrozen: true)
        let optimizer = Adam(learningRate: 0.1)
        optimizer.update([frozen], with: [Tensor([1, 1])])
        #expect(frozen.value.scalars == [1, 2])
        #expect(optimizer.state(for: [("w", frozen)]).tensors.isEmpty)
    }

    /// A parameter large enough for Adam's update to be split across threads gets exactly the
    /// values of element-by-element updates of its pieces (each piece below the split size).
    @Test func aSplitAdamUpdateMatchesElementwiseUpdates() {
        var random = SplitMix64(seed: 5)
        let count = 300_000
        let start = Tensor(randomNormal: [count], using: &random)
        let gradients = (0..<3).map { _ in Tensor(randomNormal: [count], using: &random) }
        let whole = Parameter(start)
        let wholeOptimizer = Adam(learningRate: 0.01, weightDecay: 0.01)
        let pieceSize = 50_000
        let pieces = stride(from: 0, to: count, by: pieceSize).map {
            Parameter(start.sliced($0..<$0 + pieceSize, alongAxis: 0))
        }
        let pieceOptimizer = Adam(learningRate: 0.01, weightDecay: 0.01)
        for gradient in gradients {
            wholeOptimizer.update([whole], with: [gradient])
            pieceOptimizer.update(
                pieces,
                with: stride(from: 0, to: count, by: pieceSize).map { gradient.sliced($0..<$0 + pieceSize, alongAxis: 0) })
        }
        #expect(whole.value.scalars == pieces.flatMap { $0.value.scalars })
    }

    @Test func stateIsAllocatedOnceAndUpdatedInPlace() {
        let parameter = Parameter(Tensor(Reference.start))
        let optimizer = Adam(learningRate: 0.01)
        optimizer.update([parameter], with: [Tensor(Reference.gradients[0])])
        let storage = parameter.value.storage
        let state = optimizer.state(for: [("w", parameter)])
        optimizer.update([parameter], with: [Tensor(Reference.gradients[1])])
        #expect(parameter.value.storage === storage)
        #expect(parameter.value.requiresGradient)
        // A snapshot is a copy: later steps do not change it.
        #expect(
            state.tensors["adam.exp_avg.w"]?.scalars
                != optimizer.state(for: [("w", parameter)]).tensors["adam.exp_avg.w"]?.scalars)
    }
}
