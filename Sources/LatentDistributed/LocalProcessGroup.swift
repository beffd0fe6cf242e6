import Foundation

/// A group whose ranks are threads of one process: each rank's trainer runs on its own thread,
/// and the collectives meet in shared memory.
///
/// It gives what ``MPIProcessGroup`` gives without MPI: tests check data-parallel training with
/// it, and a recipe can be tried on several ranks before it is launched with `mpirun`. Sums add
/// the ranks' values in rank order, so they are the same bits on every rank.
///
/// ```swift
/// let losses = LocalProcessGroup.run(size: 2) { group in train(group: group) }
/// ```
public final class LocalProcessGroup: ProcessGroup {
    public let rank: Int
    public var size: Int { meeting.size }
    private let meeting: Meeting

    private init(rank: Int, meeting: Meeting) {
        self.rank = rank
        self.meeting = meeting
    }

    /// The `size` ranks of one new group; give each to its own thread.
    public static func make(size: Int) -> [LocalProcessGroup] {
        precondition(size >= 1, "LocalProcessGroup.make(size:): a group needs at least one rank, not \(size)")
        let meeting = Meeting(size: size)
        return (0..<size).map { LocalProcessGroup(rank: $0, meeting: meeting) }
    }

    /// Runs `body` for each rank of a new group of `size`, each on a thread of its own (the ranks
    /// wait for one another, so none may wait for a free thread), and returns what each rank
    /// returned, in rank order.
    public static func run<Result: Sendable>(
        size: Int, _ body: @escaping @Sendable (LocalProcessGroup) -> Result
    ) -> [Result] {
        let ranks = make(size: size)
        let results = Results<Result>(count: size)
        let finished = DispatchGroup()
        for rank in ranks {
            finished.enter()
            let thread = Thread {
                results.set(rank.rank, body(rank))
                rank.meeting.leave()
                finished.leave()
            }
            // The engine's kernels recurse through its graph; give ranks a main thread's stack.
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        return results.values
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) { reduce(values) }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { reduce(values) }

    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, from root: Int) {
        precondition((0..<size).contains(root), "broadcast(from:): no rank \(root) in a group of \(size)")
        let result = meeting.exchange(rank: rank, Array(values)) { contributions in contributions[root] }
        precondition(result.count == values.count,
                     "broadcast: rank \(rank) passed \(values.count) values, rank \(root) \(result.count)")
        _ = values.update(from: result)
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) {
        precondition((0..<size).contains(root), "broadcast(from:): no rank \(root) in a group of \(size)")
        let result = meeting.exchange(rank: rank, Array(bytes)) { contributions in contributions[root] }
        precondition(result.count == bytes.count,
                     "broadcast: rank \(rank) passed \(bytes.count) bytes, rank \(root) \(result.count)")
        result.withUnsafeBytes { bytes.copyMemory(from: $0) }
    }

    private func reduce<Scalar: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<Scalar>) {
        let result = meeting.exchange(rank: rank, Array(values)) { contributions in
            let count = contributions[0].count
            precondition(contributions.allSatisfy { $0.count == count },
                         "allReduceSum: the ranks passed \(contributions.map(\.count)) values")
            var sum = contributions[0]
            for other in contributions.dropFirst() {
                for index in 0..<count { sum[index] += other[index] }
            }
            return sum
        }
        _ = values.update(from: result)
    }
}

/// Where the ranks of a ``LocalProcessGroup`` meet: each call waits until every rank has made
/// it, and the last to arrive combines the contributions for all. A rank that has finished
/// while others wait in a call would leave them waiting for ever: that stops the process, naming
/// the call, as `mpirun` stops a job one of whose ranks has exited.
private final class Meeting: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var contributions: [Any]
    private var arrived = 0
    private var round = 0
    private var departed = 0
    private var result: Any = ()

    init(size: Int) {
        self.size = size
        contributions = Array(repeating: (), count: size)
    }

    /// Waits for every rank's `value`, then returns `combine` of them (in rank order) to each.
    ///
    /// A round's result stays in place until every rank has read it: the next round cannot
    /// finish before each rank has come back for it.
    func exchange<Value>(rank: Int, _ value: Value, combine: ([Value]) -> Value) -> Value {
        condition.lock()
        defer { condition.unlock() }
        let myRound = round
        contributions[rank] = value
        arrived += 1
        checkNoneLeft()
        if arrived == size {
            result = combine(contributions.map { $0 as! Value })
            arrived = 0
            round += 1
            condition.broadcast()
        } else {
            while round == myRound { condition.wait() }
        }
        return result as! Value
    }

    /// Marks a rank as finished: it makes no more calls.
    func leave() {
        condition.lock()
        defer { condition.unlock() }
        departed += 1
        checkNoneLeft()
    }

    private func checkNoneLeft() {
        precondition(departed == 0 || arrived == 0,
                     "LocalProcessGroup: \(departed) rank(s) finished while \(arrived) wait in a collective call")
    }
}

/// What each rank's thread returned.
private final class Results<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value?]
    init(count: Int) { stored = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.withLock { stored[index] = value } }
    var values: [Value] { lock.withLock { stored.map { $0! } } }
}
