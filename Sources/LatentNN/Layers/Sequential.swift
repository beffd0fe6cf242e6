import LatentTensor

/// Layers applied one after another (PyTorch's `nn.Sequential`).
///
/// The layers are children named `"0"`, `"1"`, …, so a `Sequential` stored as `layers` has
/// parameters `layers.0.weight`, `layers.0.bias`, … The input and output shapes are those of
/// the first and last layer.
public final class Sequential: Layer {
    /// The layers, in the order they are applied.
    public let layers: [any Layer]

    /// Chains `layers`.
    public init(_ layers: [any Layer]) { self.layers = layers }

    /// Chains `layers`.
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    /// Applies every layer in order.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { output, layer in layer(output) }
    }

    public var children: [(name: String, module: any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }
}
