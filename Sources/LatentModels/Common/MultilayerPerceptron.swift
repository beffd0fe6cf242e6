import LatentNN
import LatentTensor

/// Linear layers with a nonlinearity between them (none after the last).
///
/// Input `[batch, sizes[0]]`, output `[batch, sizes.last]`; parameters are named
/// `layers.0.weight`, `layers.0.bias`, `layers.1.weight`, ….
public final class MultilayerPerceptron: Module {
    /// The layers, input side first.
    public let layers: [Linear]
    /// The nonlinearity applied after every layer but the last.
    public let activation: Activation

    /// Creates layers mapping `sizes[0] → sizes[1] → … → sizes.last`, PyTorch's default init.
    public init(sizes: [Int], activation: Activation, using generator: inout some RandomNumberGenerator) {
        precondition(sizes.count >= 2, "MultilayerPerceptron: needs at least an input and an output size, got \(sizes)")
        var layers: [Linear] = []
        for index in 0..<(sizes.count - 1) {
            layers.append(Linear(inputFeatures: sizes[index], outputFeatures: sizes[index + 1], using: &generator))
        }
        self.layers = layers
        self.activation = activation
    }

    public var children: [(name: String, module: any Module)] {
        [("layers", LayerList(layers))]
    }

    /// Applies the layers.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var hidden = input
        for (index, layer) in layers.enumerated() {
            if index == layers.count - 1 {
                hidden = layer(hidden)
            } else if let fused = activation.fusedWithBias {
                hidden = layer(hidden, activation: fused)
            } else {
                hidden = activation(layer(hidden))
            }
        }
        return hidden
    }
}

/// A list of modules named by position (`0`, `1`, …).
public final class LayerList: Module {
    /// The modules, in order.
    public let modules: [any Module]

    /// Wraps the modules.
    public init(_ modules: [any Module]) { self.modules = modules }

    public var children: [(name: String, module: any Module)] {
        modules.enumerated().map { (String($0.offset), $0.element) }
    }
}
