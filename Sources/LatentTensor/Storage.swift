#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Contiguous, 64-byte aligned Float32 memory behind a ``Tensor``.
///
/// This is the device seam: every kernel reaches memory through a storage object, so a second
/// backend (GPU memory) can replace this class without touching layers or models. Tensors share a
/// storage until one of them is mutated (copy-on-write in ``Tensor``).
public final class TensorStorage: @unchecked Sendable {
    /// The first scalar.
    public let base: UnsafeMutablePointer<Float>
    /// The number of scalars.
    public let count: Int

    /// The scalars allocated, a size class of ``StoragePool`` (at least `count`).
    let capacity: Int

    /// Allocates uninitialised storage for `count` scalars, reusing a freed buffer of the same
    /// size class when the pool holds one.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "TensorStorage: negative scalar count \(count)")
        self.count = count
        capacity = StoragePool.sizeClass(of: count)
        base = StoragePool.take(capacity: capacity)
    }

    /// Allocates storage filled with `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: value, count: count)
    }

    /// A copy of this storage.
    public func copy() -> TensorStorage {
        let result = TensorStorage(uninitializedCount: count)
        result.base.update(from: base, count: count)
        return result
    }

    /// The scalars as a read-only buffer.
    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: base, count: count) }

    /// The scalars as a mutable buffer.
    public var mutableBuffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }

    deinit { StoragePool.give(base, capacity: capacity) }
}
