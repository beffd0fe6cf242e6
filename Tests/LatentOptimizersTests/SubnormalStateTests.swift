import LatentNN
import LatentTensor
import Testing

@testable import LatentOptimizers

/// Optimiser state that decays after the gradient stops (a dead ReLU unit's weights) becomes 0
/// instead of passing through the subnormal range, where x86 cores slow down 100-fold.
@Suite("Subnormal state")
struct SubnormalStateTests {
    /// One gradient of 1, then `steps` of 0; returns every state tensor's scalars.
    static func decayedState(_ optimizer: some Optimizer, steps: Int) -> [String: [Float]] {
        let parameter = Parameter(Tensor([0.5, -0.25]))
        optimizer.update([parameter], with: [Tensor([1, -1])])
        for _ in 0..<steps { optimizer.update([parameter], with: [Tensor([0, 0])]) }
        return optimizer.state(for: [("w", parameter)]).tensors.mapValues(\.scalars)
    }

    static func isZeroOrNormal(_ x: Float) -> Bool { x == 0 || x.isNormal }

    // Enough steps for every buffer to decay from about 1 below 1e-38: Adam's first moment
    // halves (β₁ 0.5), its second falls by 0.9, RMSProp's by 0.99, SGD's momentum halves.
    @Test func decayedStateIsZeroNotSubnormal() {
        let optimizers: [(String, any Optimizer, Int)] = [
            ("adam", Adam(learningRate: 1e-3, beta1: 0.5, beta2: 0.9), 900),
            ("rmsprop", RMSProp(learningRate: 1e-3, alpha: 0.99, momentum: 0.5), 9_000),
            ("sgd", SGD(learningRate: 1e-3, momentum: 0.5), 200),
        ]
        for (name, optimizer, steps) in optimizers {
            let state = Self.decayedState(optimizer, steps: steps)
            #expect(!state.isEmpty, "\(name)")
            for (key, scalars) in state {
                #expect(scalars.allSatisfy(Self.isZeroOrNormal), "\(name) \(key): \(scalars)")
                #expect(scalars.contains(0), "\(name) \(key) decayed to 0: \(scalars)")
            }
        }
    }

    /// Gradients around 1e-20 put the squared averages in the subnormal range while the means
    /// stay normal: a centred RMSProp's variance must not turn negative (NaN), and with ε = 0 a
    /// flushed second moment must not leave a mean to divide by zero.
    @Test func tinyGradientsKeepParametersFinite() {
        let optimizers: [(String, any Optimizer)] = [
            ("centred rmsprop", RMSProp(learningRate: 1e-3, alpha: 0.99, centered: true)),
            ("centred rmsprop with momentum", RMSProp(learningRate: 1e-3, momentum: 0.5, centered: true)),
            ("rmsprop, epsilon 0", RMSProp(learningRate: 1e-3, epsilon: 0)),
            ("adam, epsilon 0", Adam(learningRate: 1e-3, epsilon: 0)),
            ("adam", Adam(learningRate: 1e-3)),
        ]
        for (name, optimizer) in optimizers {
            let parameter = Parameter(Tensor([0.5, -0.25]))
            for _ in 0..<50 { optimizer.update([parameter], with: [Tensor([1e-20, -3e-21])]) }
            #expect(parameter.value.scalars.allSatisfy { $0.isFinite }, "\(name): \(parameter.value.scalars)")
        }
    }

    /// While the state stays normal nothing changes: the flush only acts below 1.2e-38.
    @Test func flushKeepsNormalValues() {
        for value: Float in [1, -3.5e-20, .leastNormalMagnitude, -.leastNormalMagnitude, 0] {
            #expect(UpdateKernels.flushed(value) == value)
        }
        for value: Float in [.leastNonzeroMagnitude, -1e-39, .leastNormalMagnitude / 2] {
            #expect(UpdateKernels.flushed(value) == 0)
            #expect(UpdateKernels.flushed(value, below: 0) == value)
        }
        #expect(UpdateKernels.flushed(.nan).isNaN && UpdateKernels.flushed(-.infinity) == -.infinity)
    }
}
