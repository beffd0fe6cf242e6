import Foundation
import Synchronization

/// Splits large loops across cores, on the engine's ``WorkerPool`` (the threads that also share
/// out matrix products); on the calling thread alone when the pool is busy with another job.
public enum Parallel {
    private static let configuredThreads = Atomic<Int>(0)
    // Read once: the processor count comes from files under /sys and /proc on Linux.
    private static let defaultThreadCount: Int = {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let requested = ProcessInfo.processInfo.environment["OMP_NUM_THREADS"]
            .flatMap { $0.split(separator: ",").first.flatMap { Int($0) } }
        guard let requested, requested > 0 else { return cores }
        return min(cores, requested)
    }()

    /// The number of threads split loops and products use: all active processors, or fewer
    /// when `OMP_NUM_THREADS` asks for fewer (the variable that limits oneDNN's convolutions),
    /// unless ``setThreadCount(_:)`` says otherwise.
    public static var threadCount: Int {
        if let scoped = scopedThreadCount { return scoped }
        let configured = configuredThreads.load(ordering: .relaxed)
        return configured > 0 ? configured : defaultThreadCount
    }

    @TaskLocal private static var scopedThreadCount: Int?

    /// Runs `body` with ``threadCount`` set to `count` for the current task and the child
    /// tasks it starts (a task-local value): other tasks and threads, the worker pool's
    /// included, keep theirs. Tests use it to run the split paths under `OMP_NUM_THREADS=1`.
    /// Loops split only as far as the worker pool has threads. Work that runs on a pool worker
    /// reads the process's count; none splits again there, since the pool is busy with the job
    /// that runs it.
    public static func withThreadCount<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        try $scopedThreadCount.withValue(max(1, count), operation: body)
    }

    /// Sets the number of threads element-wise kernels use; 0 restores the default.
    public static func setThreadCount(_ count: Int) {
        configuredThreads.store(max(0, count), ordering: .relaxed)
    }

    /// Scalars per chunk below which a loop stays on one thread. A pool worker that is polling
    /// takes a chunk within a microsecond or two, while one core streams 32K floats through a
    /// simple kernel in about 5 µs; loops from 64K scalars are split (measured on W1–W3 of
    /// `latent-bench workloads`: splitting from 16K was slower, from 1M slower still).
    static let grain = 1 << 15

    /// Calls `body` on disjoint ranges covering `0..<count`, on up to ``threadCount`` threads
    /// when each gets at least `grain` scalars, else on the calling thread. For memory-bound
    /// loops in other modules (the optimisers' updates, the evaluation's distance blocks), whose
    /// body handles a whole range.
    public static func splitting(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        forRanges(count, grain: grain, body)
    }

    /// Calls `body` on disjoint ranges covering `0..<count`, in parallel when `count` is large.
    @inline(__always)
    static func forRanges(_ count: Int, grain: Int = Parallel.grain, _ body: (Range<Int>) -> Void) {
        let threads = threadCount
        if count < 2 * grain || threads < 2 {
            body(0..<count)
            return
        }
        let chunks = min(threads, count / grain)
        let chunkSize = (count + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let ran = WorkerPool.shared?.run(chunks: chunks) { chunk in
                let start = chunk * chunkSize
                if start < count { body(start..<min(count, start + chunkSize)) }
            }
            // A busy pool means the other cores are working already.
            if ran != true { body(0..<count) }
        }
    }
}

/// Wraps a value whose thread safety the caller guarantees.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
