import LatentNN
import LatentTensor

/// RMSProp (Tieleman & Hinton 2012), optionally centred (Graves 2013) and with momentum.
///
/// Per parameter `p` with gradient `g`, exactly as PyTorch's `torch.optim.RMSprop`:
///
/// ```
/// g ← g + weightDecay · p
/// s ← α · s + (1 − α) · g²
/// a ← α · a + (1 − α) · g,  d ← √(s − a²) + ε      (centered)
///                           d ← √s + ε              (otherwise)
/// b ← momentum · b + g / d,  p ← p − learningRate · b   (momentum > 0)
/// p ← p − learningRate · g / d                          (otherwise)
/// ```
///
/// `alpha` is PyTorch's name for the smoothing constant; TensorFlow and Keras call it `rho`
/// (formerly `decay`). State: `rmsprop.square_avg.<name>` (s), `rmsprop.grad_avg.<name>` (a,
/// centred only) and `rmsprop.momentum_buffer.<name>` (b, with momentum only).
public final class RMSProp: Optimizer {
    public var learningRate: Float
    public let initialLearningRate: Float
    public private(set) var stepCount = 0
    /// The smoothing constant α of the running averages.
    public let alpha: Float
    /// Added to the denominator for numerical stability.
    public let epsilon: Float
    /// The momentum factor (0 for none).
    public let momentum: Float
    /// Whether the gradient is normalised by its estimated variance rather than its raw second
    /// moment.
    public let centered: Bool
    /// The L2 penalty added to the gradient.
    public let weightDecay: Float
    private var table: ParameterStateTable

    /// Creates an RMSProp optimiser (PyTorch's defaults).
    ///
    /// - Parameters:
    ///   - learningRate: the step size.
    ///   - alpha: smoothing constant α in [0, 1) (TensorFlow's `rho`).
    ///   - epsilon: ε, added to the denominator.
    ///   - momentum: momentum factor, 0 for none.
    ///   - centered: subtract the squared running mean of the gradient from its second moment.
    ///   - weightDecay: L2 penalty coefficient.
    public init(
        learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8,
        momentum: Float = 0, centered: Bool = false, weightDecay: Float = 0
    ) {
        precondition(learningRate >= 0, "RMSProp: learning rate \(learningRate) is negative")
        precondition((0..<1).contains(alpha), "RMSProp: alpha \(alpha) is not in [0, 1)")
        precondition(epsilon >= 0, "RMSProp: epsilon \(epsilon) is negative")
        precondition(momentum >= 0, "RMSProp: momentum \(momentum) is negative")
        precondition(weightDecay >= 0, "RMSProp: weight decay \(weightDecay) is negative")
        self.learningRate = learningRate
        initialLearningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered
        self.weightDecay = weightDecay
        table = ParameterStateTable(
            kind: "rmsprop",
            bufferNames: ["square_avg"] + (centered ? ["grad_avg"] : [])
                + (momentum > 0 ? ["momentum_buffer"] : []))
    }

    public func update(_ parameters: [Parameter], with gradients: [Tensor]) {
        checkAligned(parameters, gradients, optimizer: "RMSProp")
        stepCount += 1
        let rate = learningRate
        let decay = weightDecay
        let alpha = alpha
        let epsilon = epsilon
        let keep = Float(1 - Double(alpha))
        let momentum = momentum
        let centered = centered
        for (parameter, gradient) in zip(parameters, gradients) where !parameter.isFrozen {
            let state = table.state(for: parameter).state
            let square = state.base(0)
            let average = centered ? state.base(1) : nil
            let buffer = momentum > 0 ? state.base(centered ? 2 : 1) : nil
            let count = parameter.value.scalarCount
            gradient.withUnsafeScalars { g in
                parameter.updateInPlace { p in
                    UpdateKernels.rmsProp(
                        p.baseAddress!, g.baseAddress!, square, average, buffer, count: count,
                        rate: rate, alpha: alpha, keep: keep, epsilon: epsilon,
                        momentum: momentum, decay: decay)
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
