import LatentTensor

/// Layers applied one after another (PyTorch's `nn.Sequential`).
///
/// The layers are children named `"0"`, `"1"`, …, so a `Sequential` stored as `layers` has
/// parameters `layers.0.weight`, `layers.0.bias`, … The input and output shapes are those of
/// the first and last layer.
public final class Sequential: Layer {
    /// The layers, in the order they are applied.
    public let layers: [any Layer]

    /// What ``callAsFunction(_:)`` runs: each layer, or a linear layer with the ReLU or leaky
    /// ReLU after it fused into its bias (``Linear/callAsFunction(_:activation:)``).
    private let steps: [Step]

    private enum Step {
        case layer(any Layer)
        case activatedLinear(Linear, Tensor.BiasActivation)
    }

    /// Chains `layers`.
    public init(_ layers: [any Layer]) {
        self.layers = layers
        var steps: [Step] = []
        var index = 0
        while index < layers.count {
            if let linear = layers[index] as? Linear, linear.bias != nil, index + 1 < layers.count,
                let activation = Self.fusable(layers[index + 1])
            {
                steps.append(.activatedLinear(linear, activation))
                index += 2
            } else {
                steps.append(.layer(layers[index]))
                index += 1
            }
        }
        self.steps = steps
    }

    /// Chains `layers`.
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    /// Applies every layer in order. A ``Linear`` followed by ``ReLU`` or ``LeakyReLU`` (slope
    /// ≥ 0) runs as one fused step with the same values.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        steps.reduce(input) { output, step in
            switch step {
            case .layer(let layer): return layer(output)
            case .activatedLinear(let linear, let activation): return linear(output, activation: activation)
            }
        }
    }

    private static func fusable(_ layer: any Layer) -> Tensor.BiasActivation? {
        if layer is ReLU { return .relu }
        if let leaky = layer as? LeakyReLU, leaky.negativeSlope >= 0 {
            return .leakyReLU(negativeSlope: leaky.negativeSlope)
        }
        return nil
    }

    public var children: [(name: String, module: any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }
}
