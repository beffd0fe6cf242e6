import LatentTensor

/// The hidden-layer nonlinearity of the MLPs the models build.
public enum Activation: String, Codable, CaseIterable, Sendable {
    case relu, tanh, leakyReLU = "leaky-relu", elu, softplus

    /// Applies the nonlinearity.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        case .leakyReLU: return x.leakyReLU(negativeSlope: 0.2)
        case .elu: return x.elu()
        case .softplus: return x.softplus()
        }
    }
}
