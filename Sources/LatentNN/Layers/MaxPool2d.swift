import LatentTensor

/// The maximum over each `size × size` window moved by `stride` (PyTorch's `nn.MaxPool2d`
/// without padding).
///
/// Input `[batch, channels, height, width]`, output `[batch, channels,
/// (height − size) / stride + 1, (width − size) / stride + 1]` (rounded down).
public final class MaxPool2d: Layer {
    /// The window's height and width.
    public let size: Int
    /// The step between windows.
    public let stride: Int

    /// Creates a max-pooling layer; the stride defaults to the window size, as in PyTorch.
    public init(size: Int = 2, stride: Int? = nil) {
        self.size = size
        self.stride = stride ?? size
    }

    /// Pools each channel of the input.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.maxPool2d(size: size, stride: stride)
    }
}
