import Foundation
import LatentNN

extension RunFolder {
    /// How the message of a stopped run ends: where its last good checkpoint is, or that it has
    /// none yet.
    public var keptCheckpointNote: String {
        Checkpoint.hasSavedRun(in: url)
            ? "the last good checkpoint is kept in \(url.path)"
            : "no checkpoint was written yet in \(url.path)"
    }

    /// Saves the run's checkpoint (``Checkpoint/save(module:optimizers:counters:to:)``), or stops
    /// a diverged run: weights, buffers or optimiser state holding NaN or infinite values are
    /// never saved, and the last good checkpoint stays.
    ///
    /// - Throws: ``RunError`` naming the tensor and the step (`counters["step"]`) for a diverged
    ///   run; `CheckpointError` when a file cannot be written.
    public func saveCheckpoint(
        module: any Module, optimizers: [String: any CheckpointableState], counters: [String: Int]
    ) throws {
        do {
            try Checkpoint.save(module: module, optimizers: optimizers, counters: counters, to: url)
        } catch {
            guard case .nonFinite(let tensor, let count) = error.problem else { throw error }
            throw RunError(
                "training diverged: \(tensor) holds \(count) non-finite "
                    + "value\(count == 1 ? "" : "s") (NaN or infinity) after step "
                    + "\(counters["step"] ?? 0); stopped; \(keptCheckpointNote)")
        }
    }

    /// Refuses to resume a run towards a target below what its checkpoint has done, which would
    /// leave `config.json` contradicting the checkpoint.
    ///
    /// - Parameters:
    ///   - target: the epochs or steps the resumed run is to reach.
    ///   - done: those its checkpoint has done.
    ///   - unit: `epochs` or `generator steps`.
    ///   - option: the option that sets the target (`--epochs`, `--steps`).
    /// - Throws: ``RunError`` naming both numbers.
    public func checkResumeTarget(_ target: Int, done: Int, unit: String, option: String) throws {
        guard target >= done else {
            throw RunError(
                "--resume: \(url.path) has already done \(done) \(unit), more than the \(target) "
                    + "asked for; give \(option) \(done) or more to continue it")
        }
    }
}
