import LatentTensor

/// A tensor of 64-bit integers (step and epoch counters), stored as `I64`.
public struct IntegerTensor: Equatable, Sendable {
    /// The size of each axis; `[]` for a scalar.
    public let shape: [Int]
    /// The values in row-major order.
    public let scalars: [Int64]

    /// Creates an integer tensor; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Int64]) {
        precondition(
            scalars.count == shape.elementCount,
            "IntegerTensor: \(scalars.count) scalars do not fill shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A rank-0 integer tensor holding `value`.
    public init(_ value: Int) { self.init(shape: [], scalars: [Int64(value)]) }

    /// The single value of a one-element integer tensor, or `nil` if it holds several.
    public var scalar: Int64? { scalars.count == 1 ? scalars[0] : nil }
}
