import LatentTensor

// The element-wise activations as layers, for ``Sequential``. Each keeps its input's shape and
// has no parameters.

/// `max(x, 0)` for each element (PyTorch's `nn.ReLU`). Any shape; output shaped like the input.
public final class ReLU: Layer {
    /// Creates the activation.
    public init() {}
    /// Applies the activation element-wise.
    public func callAsFunction(_ input: Tensor) -> Tensor { input.relu() }
}

/// `x` where positive, `negativeSlope · x` elsewhere (PyTorch's `nn.LeakyReLU`, default 0.01;
/// DCGAN uses 0.2). Any shape; output shaped like the input.
public final class LeakyReLU: Layer {
    /// The slope for negative inputs.
    public let negativeSlope: Float
    /// Creates the activation with the given slope for negative inputs.
    public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
    /// Applies the activation element-wise.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.leakyReLU(negativeSlope: negativeSlope)
    }
}

/// `x` where positive, `alpha · (exp(x) − 1)` elsewhere (PyTorch's `nn.ELU`). Any shape.
public final class ELU: Layer {
    /// The saturation value for large negative inputs is `−alpha`.
    public let alpha: Float
    /// Creates the activation.
    public init(alpha: Float = 1) { self.alpha = alpha }
    /// Applies the activation element-wise.
    public func callAsFunction(_ input: Tensor) -> Tensor { input.elu(alpha: alpha) }
}

/// The hyperbolic tangent of each element (PyTorch's `nn.Tanh`). Any shape.
public final class Tanh: Layer {
    /// Creates the activation.
    public init() {}
    /// Applies the activation element-wise.
    public func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }
}

/// `1 / (1 + exp(−x))` for each element (PyTorch's `nn.Sigmoid`). Any shape.
public final class Sigmoid: Layer {
    /// Creates the activation.
    public init() {}
    /// Applies the activation element-wise.
    public func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// `log(1 + exp(x))` for each element (PyTorch's `nn.Softplus` with `beta` 1). Any shape.
public final class Softplus: Layer {
    /// Creates the activation.
    public init() {}
    /// Applies the activation element-wise.
    public func callAsFunction(_ input: Tensor) -> Tensor { input.softplus() }
}
