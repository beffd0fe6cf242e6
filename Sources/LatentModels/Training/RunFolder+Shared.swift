import Foundation
import LatentDistributed
import LatentNN

// A resumed data-parallel run reads its folder on rank 0 alone and passes what it read to the
// other ranks, so that only rank 0 need see the run folder: the ranks may run on machines
// without a shared file system, and no two processes finish an interrupted save at once.
extension RunFolder {
    /// `config.json` as rank 0 of `group` reads it, on every rank (``readConfiguration()`` in
    /// a group of one). Every rank of the group makes the call; the others' folders are not read.
    ///
    /// - Throws: ``RunError`` as ``readConfiguration()`` does, on every rank (on the others,
    ///   rank 0's message after `rank 0: `).
    public func readConfiguration(sharedBy group: any ProcessGroup) throws -> RunConfiguration {
        guard group.size > 1 else { return try readConfiguration() }
        let bytes = try Self.fromLeader(of: group) { Array(try readConfiguration().encodedJSON()) }
        return try decodeConfiguration(Data(bytes))
    }

    /// Restores `module` and `optimizers` from the checkpoint rank 0 of `group` reads (an
    /// interrupted save finished there), on every rank, and returns its counters
    /// (``Checkpoint/restore(module:optimizers:from:)`` in a group of one). Every rank of the
    /// group makes the call; the others' folders are not read.
    ///
    /// - Throws: ``CheckpointError`` as that function does, on rank 0 for a file it cannot read
    ///   and on every rank for contents that do not fit the model; the other ranks throw
    ///   ``RunError`` with rank 0's message after `rank 0: ` when rank 0 could not read.
    public func restoreCheckpoint(
        module: any Module, optimizers: [String: any CheckpointableState], sharedBy group: any ProcessGroup
    ) throws -> [String: Int] {
        guard group.size > 1 else { return try Checkpoint.restore(module: module, optimizers: optimizers, from: url) }
        var run: (model: Safetensors, state: Safetensors)?
        let model = try Self.fromLeader(of: group) {
            run = try Checkpoint.readSavedRun(in: url)
            return run!.model.serialized()
        }
        let state = try Self.fromLeader(of: group) { run!.state.serialized() }
        return try Checkpoint.restore(
            module: module, optimizers: optimizers,
            model: try Safetensors(parsing: model, file: url.appendingPathComponent(Checkpoint.modelFileName).path),
            state: try Safetensors(parsing: state, file: url.appendingPathComponent(Checkpoint.stateFileName).path),
            folder: url)
    }

    /// The bytes `read` gives on rank 0 of `group`, on every rank: one broadcast of a tag byte
    /// (0: the bytes follow; 1: rank 0's error message follows) and the payload. Rank 0
    /// rethrows its own error; the others throw ``RunError`` with its message.
    static func fromLeader(of group: any ProcessGroup, _ read: () throws -> [UInt8]) throws -> [UInt8] {
        var failure: (any Error)?
        var payload: [UInt8]?
        if group.isLeader {
            do {
                payload = [0] + (try read())
            } catch {
                failure = error
                payload = [1] + Array("\(error)".utf8)
            }
        }
        let received = group.broadcast(payload, from: 0) ?? [1]
        if let failure { throw failure }
        guard received.first == 0 else {
            throw RunError("rank 0: " + String(decoding: received.dropFirst(), as: UTF8.self))
        }
        return Array(received.dropFirst())
    }

    /// ``keptCheckpointNote`` on rank 0 of `group`, which writes the checkpoints; the other
    /// ranks (whose folder may not be rank 0's) point to it.
    public func keptCheckpointNote(for group: any ProcessGroup) -> String {
        group.isLeader ? keptCheckpointNote : "rank 0 keeps the last good checkpoint, if any"
    }
}
