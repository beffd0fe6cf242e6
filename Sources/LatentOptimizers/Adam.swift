import Foundation
import LatentNN
import LatentTensor

/// Adam (Kingma & Ba 2015), with L2 weight decay added to the gradient as PyTorch does.
///
/// Per parameter `p` with gradient `g` at its step `t` (1, 2, ...), exactly as PyTorch's
/// `torch.optim.Adam` (Algorithm 1 of the paper, with ε added outside the corrected root):
///
/// ```
/// g ← g + weightDecay · p
/// m ← β₁ · m + (1 − β₁) · g
/// v ← β₂ · v + (1 − β₂) · g²
/// p ← p − (learningRate / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
///
/// State: `adam.exp_avg.<name>` (m), `adam.exp_avg_sq.<name>` (v), `adam.step.<name>` (t).
/// ``AdamW`` is the same update with decoupled weight decay.
public class Adam: Optimizer {
    public var learningRate: Float
    public let initialLearningRate: Float
    public private(set) var stepCount = 0
    /// The decay rate of the first-moment estimate.
    public let beta1: Float
    /// The decay rate of the second-moment estimate.
    public let beta2: Float
    /// Added to the denominator for numerical stability.
    public let epsilon: Float
    /// The weight-decay coefficient (L2 in the gradient for Adam, decoupled for AdamW).
    public let weightDecay: Float
    /// Whether weight decay shrinks the parameter directly (AdamW) instead of entering the
    /// gradient.
    let decouplesWeightDecay: Bool
    private var table: ParameterStateTable

    /// Creates an Adam optimiser (PyTorch's defaults).
    ///
    /// - Parameters:
    ///   - learningRate: the step size α.
    ///   - beta1: first-moment decay β₁ in [0, 1).
    ///   - beta2: second-moment decay β₂ in [0, 1).
    ///   - epsilon: ε, added to the denominator.
    ///   - weightDecay: L2 penalty coefficient added to the gradient.
    public convenience init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0
    ) {
        self.init(
            kind: "adam", learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, decouplesWeightDecay: false)
    }

    init(
        kind: String, learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
        weightDecay: Float, decouplesWeightDecay: Bool
    ) {
        precondition(learningRate >= 0, "\(kind): learning rate \(learningRate) is negative")
        precondition((0..<1).contains(beta1), "\(kind): beta1 \(beta1) is not in [0, 1)")
        precondition((0..<1).contains(beta2), "\(kind): beta2 \(beta2) is not in [0, 1)")
        precondition(epsilon >= 0, "\(kind): epsilon \(epsilon) is negative")
        precondition(weightDecay >= 0, "\(kind): weight decay \(weightDecay) is negative")
        self.learningRate = learningRate
        initialLearningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decouplesWeightDecay = decouplesWeightDecay
        table = ParameterStateTable(
            kind: kind, bufferNames: ["exp_avg", "exp_avg_sq"], keepsParameterSteps: true)
    }

    public func update(_ parameters: [Parameter], with gradients: [Tensor]) {
        checkAligned(parameters, gradients, optimizer: decouplesWeightDecay ? "AdamW" : "Adam")
        stepCount += 1
        // Scalars in Double as PyTorch computes them (Python floats), rounded once to Float.
        let rate = Double(learningRate)
        let beta1 = Double(beta1)
        let beta2 = Double(beta2)
        let keep1 = Float(1 - beta1)
        let keep2 = Float(1 - beta2)
        let decay2 = Float(beta2)
        let epsilon = epsilon
        let coupledDecay = decouplesWeightDecay ? 0 : weightDecay
        let shrink = decouplesWeightDecay ? Float(1 - rate * Double(weightDecay)) : 1
        for (parameter, gradient) in zip(parameters, gradients) where !parameter.isFrozen {
            let state = table.state(for: parameter).state
            state.step += 1
            let t = Double(state.step)
            let stepSize = Float(rate / (1 - pow(beta1, t)))
            let rootCorrection = Float((1 - pow(beta2, t)).squareRoot())
            let m = state.base(0)
            let v = state.base(1)
            let count = parameter.value.scalarCount
            gradient.withUnsafeScalars { g in
                parameter.updateInPlace { p in
                    UpdateKernels.adam(
                        p.baseAddress!, g.baseAddress!, m, v, count: count, keep1: keep1,
                        beta2: decay2, keep2: keep2, stepSize: stepSize,
                        rootCorrection: rootCorrection, epsilon: epsilon,
                        coupledDecay: coupledDecay, shrink: shrink)
                }
            }
        }
    }

    public func state(for parameters: [(name: String, parameter: Parameter)]) -> Safetensors {
        table.snapshot(for: parameters, stepCount: stepCount)
    }

    public func loadState(
        _ state: Safetensors, for parameters: [(name: String, parameter: Parameter)]
    ) throws(CheckpointError) {
        stepCount = try table.restore(state, for: parameters)
    }
}
