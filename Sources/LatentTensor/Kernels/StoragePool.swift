#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Freed tensor buffers kept for reuse, by size class.
///
/// A training step allocates the same sizes every step (activations, gradients, temporaries);
/// handing a freed buffer back out costs a lock and a pop, where a fresh `posix_memalign` of a
/// few hundred kilobytes costs a system call and a page fault per 4 KiB when the allocator has
/// returned the memory to the system. Size classes are the powers of two and three quarter
/// steps between them (at most 25% unused); the pool keeps at most ``limit`` bytes and
/// frees buffers beyond that. Thread-safe.
public enum StoragePool {
    /// The most bytes the pool keeps for reuse; buffers freed beyond that go back to the system.
    public static let limit = 512 << 20

    private struct Lists: @unchecked Sendable {
        var buffers: [Int: [UnsafeMutablePointer<Float>]] = [:]
        var bytes = 0
    }

    private static let lists = Mutex(Lists())

    /// The capacity, in scalars, of the size class holding `count` scalars.
    static func sizeClass(of count: Int) -> Int {
        if count <= 16 { return 16 }
        // The power of two at or below count, then the next quarter step at or above.
        let shift = Int.bitWidth - 1 - (count - 1).leadingZeroBitCount
        let power = 1 << shift
        let quarter = Swift.max(power >> 2, 1)
        return power + ((count - power + quarter - 1) / quarter) * quarter
    }

    /// A buffer of `capacity` scalars, 64-byte aligned, from the pool or newly allocated.
    static func take(capacity: Int) -> UnsafeMutablePointer<Float> {
        let reused = lists.withLock { lists -> UnsafeMutablePointer<Float>? in
            guard let buffer = lists.buffers[capacity]?.popLast() else { return nil }
            lists.bytes -= capacity * MemoryLayout<Float>.stride
            return buffer
        }
        if let reused { return reused }
        var raw: UnsafeMutableRawPointer?
        let bytes = capacity * MemoryLayout<Float>.stride
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("TensorStorage: cannot allocate \(bytes) bytes")
        }
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    /// Returns a buffer taken with ``take(capacity:)``; it is kept for reuse or freed.
    static func give(_ buffer: UnsafeMutablePointer<Float>, capacity: Int) {
        let bytes = capacity * MemoryLayout<Float>.stride
        let kept = lists.withLock { lists -> Bool in
            guard lists.bytes + bytes <= limit else { return false }
            lists.buffers[capacity, default: []].append(buffer)
            lists.bytes += bytes
            return true
        }
        if !kept { free(buffer) }
    }

    /// The bytes held for reuse now.
    public static var pooledBytes: Int { lists.withLock { $0.bytes } }

    /// Frees every buffer held for reuse (after a phase that used large temporaries).
    public static func drain() {
        let buffers = lists.withLock { lists -> [UnsafeMutablePointer<Float>] in
            defer { lists = Lists() }
            return lists.buffers.values.flatMap { $0 }
        }
        for buffer in buffers { free(buffer) }
    }
}
