import LatentTensor

/// The hidden-layer nonlinearity of the MLPs the models build.
public enum Activation: String, Codable, CaseIterable, Sendable {
    case relu, tanh, leakyReLU = "leaky-relu", elu, softplus

    /// The negative slope of ``leakyReLU``.
    public static let leakyReLUSlope: Float = 0.2

    /// Applies the nonlinearity.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        case .leakyReLU: return x.leakyReLU(negativeSlope: Self.leakyReLUSlope)
        case .elu: return x.elu()
        case .softplus: return x.softplus()
        }
    }

    /// The same nonlinearity as a linear layer's fused bias activation, where there is one
    /// (``LatentTensor/Tensor/addingBias(_:activation:)``).
    public var fusedWithBias: Tensor.BiasActivation? {
        switch self {
        case .relu: return .relu
        case .leakyReLU: return .leakyReLU(negativeSlope: Self.leakyReLUSlope)
        case .tanh, .elu, .softplus: return nil
        }
    }
}
