import LatentNN
import LatentTensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.
///
/// Per parameter `p` with gradient `g`, exactly as PyTorch's `torch.optim.SGD`:
///
/// ```
/// g ← g + weightDecay · p
/// b ← g on the first step, else momentum · b + (1 − dampening) · g    (if momentum ≠ 0)
/// g ← g + momentum · b if nesterov, else b                            (if momentum ≠ 0)
/// p ← p − learningRate · g
/// ```
///
/// State: the momentum buffer `b` (`sgd.momentum_buffer.<name>`) when momentum is non-zero.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let initialLearningRate: Float
    public private(set) var stepCount = 0
    /// The momentum factor (0 for plain SGD).
    public let momentum: Float
    /// The fraction of each gradient withheld from the momentum buffer.
    public let dampening: Float
    /// Whether the step looks ahead along the momentum (Sutskever et al. 2013).
    public let nesterov: Bool
    /// The L2 penalty added to the gradient (`weightDecay · p`).
    public let weightDecay: Float
    private var table: ParameterStateTable

    /// Creates an SGD optimiser.
    ///
    /// - Parameters:
    ///   - learningRate: the step size.
    ///   - momentum: the momentum factor, 0 for none.
    ///   - dampening: damps the gradient's contribution to the momentum buffer.
    ///   - nesterov: Nesterov momentum (needs momentum > 0 and no dampening).
    ///   - weightDecay: L2 penalty coefficient.
    /// - Precondition: the rates are non-negative; Nesterov momentum needs momentum > 0 and
    ///   dampening 0.
    public init(
        learningRate: Float, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false,
        weightDecay: Float = 0
    ) {
        precondition(learningRate >= 0, "SGD: learning rate \(learningRate) is negative")
        precondition(momentum >= 0, "SGD: momentum \(momentum) is negative")
        precondition(weightDecay >= 0, "SGD: weight decay \(weightDecay) is negative")
        precondition(
            !nesterov || (momentum > 0 && dampening == 0),
            "SGD: Nesterov momentum needs momentum > 0 and dampening 0")
        self.learningRate = learningRate
        initialLearningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        table = ParameterStateTable(
            kind: "sgd", bufferNames: momentum == 0 ? [] : ["momentum_buffer"])
    }

    public func update(_ parameters: [Parameter], with gradients: [Tensor]) {
        checkAligned(parameters, gradients, optimizer: "SGD")
        stepCount += 1
        let rate = learningRate
        let decay = weightDecay
        let momentum = momentum
        let keep = 1 - dampening
        let nesterov = nesterov
        for (parameter, gradient) in zip(parameters, gradients) where !parameter.isFrozen {
            let count = parameter.value.scalarCount
            if momentum == 0 {
                gradient.withUnsafeScalars { g in
                    parameter.updateInPlace { p in
                        UpdateKernels.sgd(
                            p.baseAddress!, g.baseAddress!, count: count, rate: rate, decay: decay)
                    }
                }
            } else {
                let (state, isNew) = table.state(for: parameter)
                let buffer = state.base(0)
                gradient.withUnsafeScalars { g in
                    parameter.updateInPlace { p in
                        UpdateKernels.sgdMomentum(
                            p.baseAddress!, g.baseAddress!, buffer, count: count, rate: rate,
                            decay: decay, momentum: momentum, keep: keep, nesterov: nesterov,
                            isFirst: isNew)
                    }
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
