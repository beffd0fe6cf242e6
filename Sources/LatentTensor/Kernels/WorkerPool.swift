import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The engine's own worker threads, one per core beside the caller's, that share out split
/// loops and halves of matrix products.
///
/// Between jobs a worker keeps polling for the next one, yielding its core to any other runnable
/// thread on every poll, and only after ``spinTime`` without work blocks on a condition. So
/// during training, where a product or a split loop comes every few hundred microseconds, a
/// worker takes a job at once (waking a sleeping thread costs hundreds of microseconds on a
/// virtual machine whose idle core was halted), while on a busy machine the polling gives way to
/// other processes instead of holding a core as OpenMP's spinning threads do.
///
/// One job runs at a time: a caller that finds the pool busy (another thread's job, or a job
/// started from inside a job) runs its chunks itself. Chunks are claimed one by one, so the
/// caller also takes the chunks of a worker that has not woken yet.
final class WorkerPool: @unchecked Sendable {
    /// The pool for this process: `activeProcessorCount − 1` workers, or `nil` on one core.
    static let shared: WorkerPool? = {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return cores > 1 ? WorkerPool(workers: cores - 1) : nil
    }()

    /// How long an idle worker polls before it blocks.
    static let spinTime: Double = 0.005

    /// The threads besides the caller's.
    let workerCount: Int

    private let generation = Atomic<Int>(0)
    /// `nextChunk` between jobs: past any chunk count, with room to count late claims.
    private static let exhausted = Int.max / 2
    private let nextChunk = Atomic<Int>(WorkerPool.exhausted)
    private let finishedChunks = Atomic<Int>(0)
    private let workersInside = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let condition = NSCondition()
    // Written by the caller before `nextChunk` is reset to 0 (sequentially consistent), read by
    // workers only after they claim a chunk below `chunkCount`; between jobs `nextChunk` stays
    // at `exhausted`, so no claim succeeds while these change.
    private var body: ((Int) -> Void)?
    private var chunkCount = 0

    private init(workers: Int) {
        workerCount = workers
        for index in 0..<workers {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "latent-worker-\(index + 1)"
            thread.stackSize = 1 << 22
            thread.start()
        }
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks`, on the calling thread and up to
    /// `chunks − 1` workers; returns when all chunks are done. Returns `false`, having run
    /// nothing, when the pool is busy with another job.
    func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            chunkCount = chunks
            finishedChunks.store(0, ordering: .sequentiallyConsistent)
            nextChunk.store(0, ordering: .sequentiallyConsistent)
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
            _ = work()
            var polls = 0
            while finishedChunks.load(ordering: .sequentiallyConsistent) < chunks
                || workersInside.load(ordering: .sequentiallyConsistent) > 0
            {
                polls += 1
                if polls & 15 == 0 { sched_yield() }
            }
            // A worker arriving late claims past the end and leaves without touching `body`.
            nextChunk.store(Self.exhausted, ordering: .sequentiallyConsistent)
            self.body = nil
        }
        return true
    }

    /// Claims and runs chunks until none are left; returns how many this thread ran.
    private func work() -> Int {
        var done = 0
        while true {
            let chunk = nextChunk.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue
            if chunk >= chunkCount { return done }
            body!(chunk)
            done += 1
            finishedChunks.wrappingAdd(1, ordering: .sequentiallyConsistent)
        }
    }

    private func workerLoop() {
        // The worker's own oneDNN calls run single-threaded: the halves of a product are the
        // parallelism.
        OpenMPThreads.setForCurrentThread(1)
        var seen = generation.load(ordering: .sequentiallyConsistent)
        while true {
            var polls = 0
            var deadline = 0.0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                polls += 1
                if polls & 63 != 0 { continue }
                let now = Self.monotonicSeconds()
                if deadline == 0 { deadline = now + Self.spinTime }
                if now < deadline {
                    sched_yield()
                    continue
                }
                condition.lock()
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { condition.wait() }
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                condition.unlock()
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            workersInside.wrappingAdd(1, ordering: .sequentiallyConsistent)
            _ = work()
            workersInside.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        }
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

/// The OpenMP runtime's per-thread thread count (the team size of the next parallel region this
/// thread opens), reached through `dlsym` so the engine does not link the runtime itself.
public enum OpenMPThreads {
    private typealias Set = @convention(c) (Int32) -> Void
    private typealias Get = @convention(c) () -> Int32
    private struct Functions: @unchecked Sendable {
        let set: Set
        let get: Get
    }

    private static let functions: Functions? = {
        #if os(Linux)
            let process = UnsafeMutableRawPointer(bitPattern: 0)
            guard let set = dlsym(process, "omp_set_num_threads"), let get = dlsym(process, "omp_get_max_threads")
            else { return nil }
            return Functions(set: unsafeBitCast(set, to: Set.self), get: unsafeBitCast(get, to: Get.self))
        #else
            return nil
        #endif
    }()

    /// Sets the calling thread's OpenMP thread count (no effect without an OpenMP runtime).
    public static func setForCurrentThread(_ count: Int) {
        functions?.set(Int32(count))
    }

    /// The calling thread's OpenMP thread count, or `nil` without an OpenMP runtime.
    public static var forCurrentThread: Int? {
        functions.map { Int($0.get()) }
    }

    /// Runs `body` with the calling thread's OpenMP regions limited to one thread.
    @inline(__always)
    static func singleThreaded<R>(_ body: () -> R) -> R {
        guard let functions else { return body() }
        let previous = functions.get()
        if previous == 1 { return body() }
        functions.set(1)
        defer { functions.set(previous) }
        return body()
    }
}
