import LatentTensor

/// Merges the axes from `startAxis` on into one (PyTorch's `nn.Flatten`):
/// `[batch, channels, height, width]` → `[batch, channels · height · width]` by default.
public final class Flatten: Layer {
    /// The first axis merged.
    public let startAxis: Int

    /// Creates a flattening of the axes from `startAxis` on (1 keeps the batch axis).
    public init(startAxis: Int = 1) { self.startAxis = startAxis }

    /// Flattens the input.
    public func callAsFunction(_ input: Tensor) -> Tensor { input.flattened(fromAxis: startAxis) }
}
