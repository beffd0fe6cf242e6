import LatentTensor

/// A scatter plot of 2-D points as an RGB image, for data and model samples on toy problems.
public struct ScatterPlot: Sendable {
    /// An 8-bit RGB colour.
    public struct Color: Equatable, Sendable {
        /// The red, green and blue levels.
        public var red, green, blue: UInt8
        /// Creates a colour from 8-bit levels.
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            (self.red, self.green, self.blue) = (red, green, blue)
        }
        /// The colour of data points (blue).
        public static let data = Color(red: 31, green: 119, blue: 180)
        /// The colour of model samples (orange).
        public static let samples = Color(red: 255, green: 127, blue: 14)
    }

    /// The image size in pixels (square).
    public var size: Int
    /// The square region shown, `x` and `y` alike; `nil` fits all points with a margin.
    public var bounds: ClosedRange<Float>?
    /// The radius of a point's disc in pixels.
    public var pointRadius: Int
    private var series: [(points: [Float], color: Color)] = []

    /// Creates an empty plot.
    ///
    /// - Parameters:
    ///   - size: Width and height in pixels.
    ///   - bounds: The region shown along both axes; `nil` fits the points.
    ///   - pointRadius: Disc radius in pixels.
    public init(size: Int = 512, bounds: ClosedRange<Float>? = nil, pointRadius: Int = 1) {
        precondition(size >= 16, "scatter plot size must be at least 16, got \(size)")
        self.size = size
        self.bounds = bounds
        self.pointRadius = pointRadius
    }

    /// Adds points `[count, 2]` drawn in `color`; later series are drawn on top.
    ///
    /// - Precondition: `points` has shape `[count, 2]`.
    public mutating func add(_ points: Tensor, color: Color) {
        precondition(
            points.shape.count == 2 && points.shape[1] == 2,
            "scatter points need shape [count, 2], got \(points.shape)")
        series.append((points.scalars, color))
    }

    /// The plot of data (blue) and model samples (orange) on common axes.
    ///
    /// - Precondition: both tensors have shape `[count, 2]`.
    public static func comparing(
        data: Tensor, samples: Tensor, size: Int = 512, bounds: ClosedRange<Float>? = nil
    ) -> PNGImage {
        var plot = ScatterPlot(size: size, bounds: bounds)
        plot.add(data, color: .data)
        plot.add(samples, color: .samples)
        return plot.rendered()
    }

    /// Draws the plot: white background, grey axes through the origin, one disc per point.
    public func rendered() -> PNGImage {
        let all = series.flatMap(\.points).filter(\.isFinite)
        let range: ClosedRange<Float>
        if let bounds {
            range = bounds
        } else {
            let extent = max(all.map(abs).max() ?? 1, 1e-3) * 1.1
            range = -extent...extent
        }
        let span = max(range.upperBound - range.lowerBound, .leastNormalMagnitude)
        var pixels = [UInt8](repeating: 255, count: size * size * 3)
        func pixel(_ value: Float) -> Int? {
            let position = (value - range.lowerBound) / span * Float(size - 1)
            guard position.isFinite, position >= 0, position <= Float(size - 1) else { return nil }
            return Int(position.rounded())
        }
        func paint(_ x: Int, _ y: Int, _ color: Color) {
            guard (0..<size).contains(x), (0..<size).contains(y) else { return }
            let offset = (y * size + x) * 3
            (pixels[offset], pixels[offset + 1], pixels[offset + 2]) =
                (color.red, color.green, color.blue)
        }
        let axis = Color(red: 200, green: 200, blue: 200)
        if let zero = pixel(0) {
            for k in 0..<size {
                paint(zero, k, axis)
                paint(k, size - 1 - zero, axis)
            }
        }
        for (points, color) in series {
            for index in stride(from: 0, to: points.count - 1, by: 2) {
                guard let x = pixel(points[index]), let y = pixel(points[index + 1]) else {
                    continue
                }
                for dy in -pointRadius...pointRadius {
                    for dx in -pointRadius...pointRadius
                    where dx * dx + dy * dy <= pointRadius * pointRadius + 1 {
                        // Image rows grow downwards; y grows upwards.
                        paint(x + dx, size - 1 - y + dy, color)
                    }
                }
            }
        }
        return PNGImage(width: size, height: size, channels: 3, pixels: pixels)
    }
}
