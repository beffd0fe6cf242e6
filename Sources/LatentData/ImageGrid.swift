import LatentTensor

import Foundation

/// Lays a batch of images out as one picture: `rows × columns` tiles separated by padding.
public enum ImageGrid {
    /// The most bytes of pixels `checkSize` lets a grid have: 1 GiB.
    public static let maximumByteCount = 1 << 30

    /// Checks that the grid `render` would make fits in `maximumByteCount`, before it is made.
    ///
    /// - Parameters:
    ///   - count: The number of images.
    ///   - imageShape: One image, `[channels, height, width]` or `[height, width]`.
    ///   - columns: Tiles per row, as for `render`.
    ///   - padding: Pixels between tiles, as for `render`.
    /// - Throws: `DataError.tooLarge` with the grid's size in pixels and bytes.
    public static func checkSize(count: Int, imageShape: [Int], columns: Int?, padding: Int)
        throws
    {
        let (channels, height, width) =
            imageShape.count == 3
            ? (imageShape[0], imageShape[1], imageShape[2])
            : (1, imageShape.first ?? 0, imageShape.last ?? 0)
        // In Double: the sizes asked for may overflow Int.
        let columnCount = Double(columns ?? Int(Double(count).squareRoot().rounded(.up)))
        let rowCount = (Double(count) / columnCount).rounded(.up)
        let gridWidth = columnCount * (Double(width) + Double(padding)) + Double(padding)
        let gridHeight = rowCount * (Double(height) + Double(padding)) + Double(padding)
        let bytes = gridWidth * gridHeight * Double(channels)
        guard bytes > Double(maximumByteCount) else { return }
        throw DataError.tooLarge(
            what: "image grid",
            detail: String(
                format: "%.0fx%.0f pixels, %d channel%@: %.1f GiB, more than %d GiB; use fewer "
                    + "images or columns, or less padding",
                gridWidth, gridHeight, channels, channels == 1 ? "" : "s",
                bytes / Double(1 << 30), maximumByteCount >> 30))
    }

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
