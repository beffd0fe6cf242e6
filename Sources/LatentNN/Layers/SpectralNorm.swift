import LatentTensor

/// A layer whose weight can be replaced for one forward pass, so ``SpectralNorm`` can wrap it.
public protocol SpectrallyNormalizable: Layer {
    /// The weight, `[outputs, …]`; it is normalised as the matrix `[outputs, rest]`.
    var weight: Parameter { get }
    /// The bias, if any.
    var bias: Parameter? { get }
    /// Applies the layer with `weight` in place of the stored one.
    func callAsFunction(_ input: Tensor, weight: Tensor) -> Tensor
}

extension Linear: SpectrallyNormalizable {}

/// Spectral normalisation (Miyato et al. 2018; PyTorch's `torch.nn.utils.spectral_norm`):
/// the wrapped layer runs with `weight / σ(weight)`, where σ is the largest singular value of
/// the weight viewed as `[outputs, rest]`, estimated by power iteration.
///
/// In training mode each forward pass first takes `powerIterations` steps
/// `v ← normalize(Wᵀu)`, `u ← normalize(W v)` on the stored vectors, without recording them;
/// σ is then `uᵀ W v` with `u` and `v` held constant, so the gradient flows through `W` only, as
/// in PyTorch. In evaluation mode the stored vectors are reused unchanged. Input and output
/// shapes are those of the wrapped layer.
///
/// Names follow PyTorch's state dict: parameters `weight_orig` (the wrapped layer's weight,
/// unnormalised) and `bias`, buffers `weight_u` `[outputs]` and `weight_v` `[rest]`.
public final class SpectralNorm<Wrapped: SpectrallyNormalizable>: Layer {
    /// The layer whose weight is normalised.
    public let wrapped: Wrapped
    /// The left singular vector estimate, `[outputs]`.
    public let u: Buffer
    /// The right singular vector estimate, `[rest]`.
    public let v: Buffer
    /// Power-iteration steps per training-mode forward pass.
    public let powerIterations: Int
    /// The smallest norm a vector is divided by.
    public let epsilon: Float
    /// Whether forward passes refine the singular vectors.
    public private(set) var isTraining = true

    /// Wraps `layer`, starting the power iteration from normalised Gaussian vectors.
    ///
    /// - Parameters:
    ///   - layer: a `Linear` or `Conv2d`.
    ///   - powerIterations: steps per training-mode forward pass (PyTorch's 1).
    ///   - epsilon: guards the normalisation of vectors (PyTorch's 1e-12).
    ///   - generator: the source of the starting vectors.
    public init(
        _ layer: Wrapped, powerIterations: Int = 1, epsilon: Float = 1e-12,
        using generator: inout some RandomNumberGenerator
    ) {
        precondition(
            powerIterations >= 1,
            "SpectralNorm: powerIterations must be at least 1, got \(powerIterations)")
        wrapped = layer
        let shape = layer.weight.shape
        let rows = shape[0]
        let columns = shape.dropFirst().reduce(1, *)
        u = Buffer(
            Self.normalized(Tensor(randomNormal: [rows], using: &generator), epsilon: epsilon))
        v = Buffer(
            Self.normalized(Tensor(randomNormal: [columns], using: &generator), epsilon: epsilon))
        self.powerIterations = powerIterations
        self.epsilon = epsilon
    }

    /// Applies the wrapped layer with its spectrally normalised weight.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        wrapped(input, weight: normalizedWeight())
    }

    /// `weight / σ`, shaped like the weight; in training mode the power iteration advances first.
    public func normalizedWeight() -> Tensor {
        if isTraining { refineSingularVectors() }
        return wrapped.weight.value / sigma(of: matrix(wrapped.weight.value))
    }

    /// The current estimate of the weight's largest singular value, `uᵀ W v` (no update).
    public var sigma: Float {
        withoutGradients { sigma(of: matrix(wrapped.weight.value)).scalar }
    }

    private func refineSingularVectors() {
        withoutGradients {
            let weight = matrix(wrapped.weight.value.detached())
            var left = u.value
            var right = v.value
            for _ in 0..<powerIterations {
                right = Self.normalized(
                    weight.matmul(left.reshaped(to: [-1, 1]), transposingSelf: true)
                        .reshaped(to: [-1]), epsilon: epsilon)
                left = Self.normalized(
                    weight.matmul(right.reshaped(to: [-1, 1])).reshaped(to: [-1]), epsilon: epsilon)
            }
            u.value = left
            v.value = right
        }
    }

    private func matrix(_ weight: Tensor) -> Tensor { weight.reshaped(to: [weight.shape[0], -1]) }

    /// `uᵀ W v` as a rank-0 tensor, differentiable in `W` only.
    private func sigma(of weight: Tensor) -> Tensor {
        let product = weight.matmul(v.value.reshaped(to: [-1, 1]))
        return u.value.reshaped(to: [1, -1]).matmul(product).reshaped(to: [])
    }

    private static func normalized(_ vector: Tensor, epsilon: Float) -> Tensor {
        let norm = vector.squared().sum().sqrt().scalar
        return vector / Swift.max(norm, epsilon)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight_orig", wrapped.weight)] + (wrapped.bias.map { [("bias", $0)] } ?? [])
    }

    public var ownBuffers: [(name: String, buffer: Buffer)] { [("weight_u", u), ("weight_v", v)] }

    public func trainingModeDidChange(_ isTraining: Bool) {
        self.isTraining = isTraining
        // The wrapped layer is not a child (its names are this module's own), so pass the mode on.
        wrapped.setTraining(isTraining)
    }
}
