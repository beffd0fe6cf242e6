/// An n-dimensional array of Float32 scalars that records the operations applied to it.
///
/// Storage is contiguous in row-major order and shared between copies until one is mutated
/// (copy-on-write). A tensor that requires a gradient carries a link to the node of the
/// autodiff graph that made it; ``gradients(withRespectTo:createsGraph:)`` walks those links.
public struct Tensor: @unchecked Sendable {
    /// The size of each axis, outermost first (`[batch, channels, height, width]` for images).
    public let shape: [Int]
    /// The scalars, contiguous and row-major.
    public internal(set) var storage: TensorStorage
    /// The node of the autodiff graph that produced this tensor, if it requires a gradient.
    public internal(set) var node: GraphNode?

    /// Wraps existing storage; the storage must hold exactly `shape.product` scalars.
    public init(shape: [Int], storage: TensorStorage) {
        precondition(
            shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(
            storage.count == shape.elementCount,
            "Tensor: storage of \(storage.count) scalars does not fit shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.node = nil
    }

    /// Makes a tensor whose gradient, when requested, flows back through `pullback`.
    ///
    /// A node is recorded only while recording is on and at least one input requires a
    /// gradient. The pullback receives the upstream gradient (shaped like the result) and, per
    /// input, whether that input's gradient is needed; it returns one gradient per input (`nil`
    /// where not needed). Pullbacks must be written with Tensor operations so that they can be
    /// recorded themselves (second-order gradients).
    public init(
        shape: [Int], storage: TensorStorage, recording inputs: [Tensor], operation: String,
        pullback: @escaping (_ upstream: Tensor, _ needed: [Bool]) -> [Tensor?]
    ) {
        self.init(shape: shape, storage: storage)
        if GradientRecording.isEnabled, inputs.contains(where: { $0.node != nil }) {
            node = GraphNode(
                operation: operation, shape: shape, inputs: inputs.map(\.node), pullback: pullback)
        }
    }

    // MARK: - Creation

    /// A tensor of the given shape with scalars listed in row-major order.
    ///
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(
            scalars.count == shape.elementCount,
            "Tensor(shape:scalars:): \(scalars.count) scalars do not fill shape \(shape)")
        let storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer { storage.base.initialize(from: $0.baseAddress!, count: $0.count) }
        self.init(shape: shape, storage: storage)
    }

    /// A rank-1 tensor holding `scalars`.
    public init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A rank-0 tensor holding `scalar`.
    public init(_ scalar: Float) { self.init(shape: [], repeating: scalar) }

    /// A tensor of the given shape with every scalar equal to `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, storage: TensorStorage(count: shape.elementCount, repeating: value))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) { self.init(shape: shape, repeating: 0) }

    /// A tensor of ones.
    public init(ones shape: [Int]) { self.init(shape: shape, repeating: 1) }

    /// A tensor whose uninitialised scalars are written by `body` (no intermediate array).
    ///
    /// - Parameter body: receives a buffer of `shape.product` scalars and must write them all.
    public init(
        shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) rethrows {
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        try body(storage.mutableBuffer)
        self.init(shape: shape, storage: storage)
    }

    /// The values `start, start + step, ...` below `end`, as a rank-1 tensor.
    public init(rangeFrom start: Float, to end: Float, stride step: Float = 1) {
        precondition(step != 0, "Tensor(rangeFrom:to:stride:): stride must not be zero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        self.init(shape: [count]) { buffer in
            for index in 0..<count { buffer[index] = start + Float(index) * step }
        }
    }

    /// `count` evenly spaced values from `start` to `end`, both included (just `start` when
    /// `count` is 1, as in NumPy).
    public init(linearSpaceFrom start: Float, to end: Float, count: Int) {
        precondition(count >= 1, "Tensor(linearSpaceFrom:to:count:): count must be positive")
        let step = count > 1 ? (end - start) / Float(count - 1) : 0
        self.init(shape: [count]) { buffer in
            for index in 0..<count { buffer[index] = start + Float(index) * step }
            if count > 1 { buffer[count - 1] = end }
        }
    }

    /// The `size × size` identity matrix.
    public init(identity size: Int) {
        self.init(zeros: [size, size])
        let base = storage.base
        for index in 0..<size { base[index * size + index] = 1 }
    }

    // MARK: - Access

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The number of scalars.
    public var scalarCount: Int { storage.count }

    /// The scalars in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The single scalar of a one-element tensor.
    public var scalar: Float {
        precondition(scalarCount == 1, "Tensor.scalar: tensor of shape \(shape) is not a scalar")
        return storage.base[0]
    }

    /// Calls `body` with the scalars, read-only.
    public func withUnsafeScalars<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(storage.buffer)
    }

    /// Calls `body` with the scalars to modify in place, copying shared storage first.
    ///
    /// The tensor's autodiff history is dropped: a value changed in place is a new leaf.
    public mutating func withUnsafeMutableScalars<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        node = nil
        return try body(storage.mutableBuffer)
    }

    // MARK: - Autodiff

    /// Whether gradients can flow back to this tensor.
    public var requiresGradient: Bool { node != nil }

    /// The same values as a leaf of the autodiff graph, so gradients can be taken with respect to it.
    public func requiringGradient() -> Tensor {
        var result = Tensor(shape: shape, storage: storage)
        result.node = GraphNode(operation: "leaf", shape: shape, inputs: [], pullback: nil)
        return result
    }

    /// The same values cut from the autodiff graph: no gradient flows through the result.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }
}

extension Tensor: CustomStringConvertible {
    /// The shape and, for small tensors, the scalars.
    public var description: String {
        let shown = scalarCount <= 16 ? "\(scalars)" : "\(Array(storage.buffer.prefix(8))) …"
        return "Tensor(shape: \(shape), \(shown))"
    }
}

extension Array where Element == Int {
    /// The number of scalars a tensor of this shape holds.
    @inlinable public var elementCount: Int { reduce(1, *) }
}
