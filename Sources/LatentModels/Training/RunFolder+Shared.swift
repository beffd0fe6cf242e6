import Foundation
import LatentDistributed
import LatentNN

// A resumed data-parallel run reads its folder on rank 0 alone and passes what it read to the
// other ranks, so that only rank 0 need see the run folder: the ranks may run on machines
// without a shared file system, and no two processes finish an interrupted save at once.
extension RunFolder {
    /// `config.json` as rank 0 of `group` reads it, on every rank (``readConfiguration()`` in
    /// a group of one).
    ///
    /// - Throws: ``RunError`` as ``readConfiguration()`` does, on every rank (on the others,
    ///   naming rank 0 when it could not read the file).
    public func readConfiguration(sharedBy group: any ProcessGroup) throws -> RunConfiguration {
        guard group.size > 1 else { return try readConfiguration() }
        var failure: (any Error)?
        var read: [UInt8]?
        if group.isLeader {
            do {
                read = Array(try readConfiguration().encodedJSON())
            } catch {
                failure = error
            }
        }
        let bytes = group.broadcast(read, from: 0)
        if let failure { throw failure }
        guard let bytes else { throw RunError("rank 0 could not read \(configurationURL.path)") }
        return try decodeConfiguration(Data(bytes))
    }

    /// Restores `module` and `optimizers` from the checkpoint rank 0 of `group` reads, on every
    /// rank, and returns its counters (``Checkpoint/restore(module:optimizers:from:)`` in a
    /// group of one).
    ///
    /// - Throws: ``CheckpointError`` as that function does, on every rank.
    public func restoreCheckpoint(
        module: any Module, optimizers: [String: any CheckpointableState], sharedBy group: any ProcessGroup
    ) throws -> [String: Int] {
        guard group.size > 1 else { return try Checkpoint.restore(module: module, optimizers: optimizers, from: url) }
        var failure: (any Error)?
        var files: (model: [UInt8], state: [UInt8])?
        if group.isLeader {
            do {
                let run = try Checkpoint.readSavedRun(in: url)
                files = (run.model.serialized(), run.state.serialized())
            } catch {
                failure = error
            }
        }
        let model = group.broadcast(files?.model, from: 0)
        let state = group.broadcast(files?.state, from: 0)
        if let failure { throw failure }
        guard let model, let state else { throw RunError("rank 0 could not read the checkpoint in \(url.path)") }
        let checkpointPath = url.appendingPathComponent(Checkpoint.modelFileName).path
        let statePath = url.appendingPathComponent(Checkpoint.stateFileName).path
        return try Checkpoint.restore(
            module: module, optimizers: optimizers,
            model: try Safetensors(parsing: model, file: checkpointPath),
            state: try Safetensors(parsing: state, file: statePath), folder: url)
    }
}
