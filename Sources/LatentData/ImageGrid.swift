import LatentTensor

/// Lays a batch of images out as one picture: `rows × columns` tiles separated by padding.
public enum ImageGrid {
    /// Renders images as a grid.
    ///
    /// - Parameters:
    ///   - images: `[count, channels, height, width]` with 1 or 3 channels, or
    ///     `[count, height, width]` for grey images.
    ///   - columns: Tiles per row; defaults to ⌈√count⌉. Rows follow from the count.
    ///   - padding: Pixels between tiles and around the border.
    ///   - valueRange: The values shown as black and white: `0...1` for data and sigmoid outputs,
    ///     `-1...1` for tanh generators. Values outside are clipped.
    ///   - paddingValue: The grey level of the padding, in [0, 1].
    /// - Returns: A grey image for one channel, an RGB image for three.
    /// - Precondition: `images` has one of the shapes above, at least one image, and `columns > 0`.
    public static func render(
        _ images: Tensor, columns: Int? = nil, padding: Int = 2,
        valueRange: ClosedRange<Float> = 0...1, paddingValue: Float = 0.5
    ) -> PNGImage {
        let shape =
            images.shape.count == 3
            ? [images.shape[0], 1] + images.shape.dropFirst() : images.shape
        precondition(
            shape.count == 4 && (shape[1] == 1 || shape[1] == 3) && shape[0] > 0,
            "image grid needs [count, 1 or 3, height, width], got \(images.shape)")
        let (count, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let columnCount = columns ?? Int(Double(count).squareRoot().rounded(.up))
        precondition(columnCount > 0, "columns must be positive, got \(columnCount)")
        let rowCount = (count + columnCount - 1) / columnCount
        let gridWidth = columnCount * (width + padding) + padding
        let gridHeight = rowCount * (height + padding) + padding
        let padByte = UInt8((min(max(paddingValue, 0), 1) * 255).rounded())
        var pixels = [UInt8](repeating: padByte, count: gridWidth * gridHeight * channels)
        let low = valueRange.lowerBound
        let scale = 255 / max(valueRange.upperBound - low, .leastNormalMagnitude)
        images.withUnsafeScalars { values in
            for index in 0..<count {
                let top = padding + (index / columnCount) * (height + padding)
                let left = padding + (index % columnCount) * (width + padding)
                for channel in 0..<channels {
                    let plane = (index * channels + channel) * height * width
                    for y in 0..<height {
                        for x in 0..<width {
                            let value = (values[plane + y * width + x] - low) * scale
                            let byte = UInt8(min(max(value.isNaN ? 0 : value, 0), 255).rounded())
                            pixels[((top + y) * gridWidth + left + x) * channels + channel] = byte
                        }
                    }
                }
            }
        }
        return PNGImage(width: gridWidth, height: gridHeight, channels: channels, pixels: pixels)
    }
}
