import LatentTensor

/// The processes of one data-parallel training job, and the collective operations they share.
///
/// Every rank runs the same training loop on its own rows of each batch; the ranks agree on
/// everything else through these calls, which each rank makes in the same order. A job of one
/// process (``SingleProcessGroup``) makes every call a no-op, so a trainer written against a
/// group runs unchanged without one. ``MPIProcessGroup`` is the group of processes `mpirun`
/// started; ``LocalProcessGroup`` runs its ranks as threads of one process.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's index in the group, from 0.
    var rank: Int { get }
    /// The number of processes in the group.
    var size: Int { get }
    /// Replaces `values` on every rank with their sum over the ranks, element by element.
    ///
    /// Every rank passes the same number of values; the sums are the same bits on every rank.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    /// The same for `Double` values (counts and losses accumulated over a run).
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Replaces `values` on every rank with rank `root`'s.
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, from root: Int)
    /// Replaces `bytes` on every rank with rank `root`'s, copied as they are (every rank passes
    /// as many).
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int)
}

extension ProcessGroup {
    /// Whether this rank writes the run's files and prints its progress (rank 0).
    public var isLeader: Bool { rank == 0 }

    /// The sums over the ranks of `values`.
    public func sum(_ values: [Double]) -> [Double] {
        guard size > 1 else { return values }
        var values = values
        values.withUnsafeMutableBufferPointer { allReduceSum($0) }
        return values
    }

    /// Waits until every rank has reached this call.
    public func barrier() {
        _ = sum([0])
    }

    /// The rows of a batch of `count` that this rank takes: the `rank`-th of `size` contiguous
    /// parts, whose sizes differ by at most one (a part is empty when `count < size`).
    public func share(of count: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }
}

/// A job of one process: rank 0 of 1, every collective a no-op.
public final class SingleProcessGroup: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, from root: Int) {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) {}
}

extension SplitMix64 {
    /// This generator in a job of one process; on rank r of several, a stream of rank r's own
    /// derived from it (the noise each rank draws for its share of a batch).
    public func forRank(of group: any ProcessGroup) -> SplitMix64 {
        group.size == 1 ? self : derived(UInt64(group.rank))
    }
}

extension ProcessGroup {
    /// Rank `root`'s bytes on every rank, copied as they are; the other ranks' `bytes` are not
    /// read. `nil` on rank `root` (it could not produce them) gives `nil` on every rank, so
    /// that all of them can fail together instead of waiting for bytes that never come.
    ///
    /// Two collectives: the length (a sum of doubles, exact to 2⁵³), then the bytes.
    public func broadcast(_ bytes: [UInt8]?, from root: Int) -> [UInt8]? {
        guard size > 1 else { return bytes }
        let sent = rank == root ? bytes : nil
        let length = sum([rank == root ? Double(sent?.count ?? -1) : 0])[0]
        guard length >= 0 else { return nil }
        var received = sent ?? [UInt8](repeating: 0, count: Int(length))
        received.withUnsafeMutableBytes { broadcast($0, from: root) }
        return received
    }
}
