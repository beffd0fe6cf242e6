/// Adam with decoupled weight decay (Loshchilov & Hutter 2019).
///
/// As PyTorch's `torch.optim.AdamW`: each step first shrinks the parameter,
/// `p ← p · (1 − learningRate · weightDecay)`, then applies ``Adam``'s update with the plain
/// gradient. State keys start with `adamw.`.
public final class AdamW: Adam {
    /// Creates an AdamW optimiser (PyTorch's defaults, weight decay 0.01).
    ///
    /// - Parameters:
    ///   - learningRate: the step size α.
    ///   - beta1: first-moment decay β₁ in [0, 1).
    ///   - beta2: second-moment decay β₂ in [0, 1).
    ///   - epsilon: ε, added to the denominator.
    ///   - weightDecay: the decoupled decay coefficient λ.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0.01
    ) {
        super.init(
            kind: "adamw", learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, decouplesWeightDecay: true)
    }
}
