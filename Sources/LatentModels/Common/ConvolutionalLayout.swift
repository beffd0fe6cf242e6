/// The layer sizes of the convolutional stacks (DCGAN's, and the convolutional variational
/// models') for one image size: the side is halved `upsamplings` times to `base` (between 4
/// and 8); DCGAN's generator grows its 1×1 code to `base` in one step.
public struct ConvolutionalLayout: Equatable, Sendable {
    /// The side of the smallest feature map.
    public let base: Int
    /// The number of stride-2 layers.
    public let upsamplings: Int

    /// The layout for `[channels, side, side]`, or `nil` when the side does not halve to 4...8.
    public init?(_ exampleShape: [Int]) {
        guard exampleShape.count == 3, exampleShape[1] == exampleShape[2] else { return nil }
        var side = exampleShape[1], count = 0
        while side % 2 == 0 && side / 2 >= 4 {
            side /= 2
            count += 1
        }
        guard (4...8).contains(side), count >= 1 else { return nil }
        base = side
        upsamplings = count
    }
}
