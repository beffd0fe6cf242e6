import ArgumentParser
import Foundation
import LatentDistributed
import LatentModels

extension TrainCommand {
    /// Refuses negative intervals, an empty test set, and two lengths for an adversarial run.
    func validateCounts() throws {
        if let checkpointEvery, checkpointEvery < 0 {
            throw ValidationError("--checkpoint-every must not be negative (0: no extra checkpoints).")
        }
        if let sampleEvery, sampleEvery < 0 {
            throw ValidationError("--sample-every must not be negative (0: pictures only at the end).")
        }
        if let testLimit, testLimit <= 0 { throw ValidationError("--test-limit must be positive.") }
        if model.adversarialKind != nil, epochs != nil, adversarial.steps != nil {
            throw ValidationError("--epochs and --steps both set the length of a \(model.rawValue) run; give one of them.")
        }
    }

    /// Refuses a variational training step whose decoder output alone would take more than
    /// ``WeightSizeLimit/bytes``: `importanceSamples` codes for each example of a batch, each
    /// decoded to a whole example (a typo in `--importance-samples`, not a model to train).
    static func checkDecodedBatch(_ configuration: VariationalConfiguration, batchSize: Int) throws {
        let codes = Double(configuration.importanceSamples) * Double(batchSize)
        let outputs = configuration.imageShape.reduce(1.0) { $0 * Double($1) } * Double(configuration.likelihood.outputsPerPixel)
        let bytes = codes * max(outputs, Double(configuration.hidden.max() ?? 0)) * 4
        guard bytes > WeightSizeLimit.bytes else { return }
        throw ValidationError(String(
            format: "--importance-samples %d with batches of %d decodes %.0f codes a step, %.1f GiB for the decoder's "
                + "output alone (more than 16 GiB); lower --importance-samples or --batch-size",
            configuration.importanceSamples, batchSize, codes, bytes / 1024 / 1024 / 1024))
    }

    /// The run folder `--out`: created and checked by rank 0 (the only one that writes it),
    /// named without either by the other ranks of a data-parallel job, which only read it.
    func runFolder(for world: any ProcessGroup, resuming: Bool) throws -> RunFolder {
        world.isLeader ? try RunFolder(creating: out, resuming: resuming) : RunFolder(unchecked: out)
    }

    /// Sets up a run of any family on `world`: refuses batches smaller than the job, opens the
    /// run folder (rank 0 creates, checks, reads and writes it; the others get what it reads),
    /// builds the trainer — removing a folder made for it, still empty, when that is refused —
    /// and says how batches are shared. The ranks other than 0 then train quietly and get `nil`;
    /// rank 0 records the run's setup and gets the trainer and folder to train and report with.
    func setUpRun<Trainer: FamilyTrainer>(
        batchSize: Int, world: any ProcessGroup, arguments: [String]?, continuing saved: RunConfiguration?,
        _ build: (RunFolder) throws -> Trainer
    ) throws -> (trainer: Trainer, folder: RunFolder)? {
        try TrainCommand.checkShares(of: batchSize, over: world)
        let folder = try runFolder(for: world, resuming: resume)
        let trainer: Trainer
        do {
            trainer = try build(folder)
        } catch {
            folder.removeIfUnused()
            throw error
        }
        TrainCommand.announceShares(of: batchSize, over: world)
        guard world.isLeader else {
            _ = try trainer.run(quiet: true)
            return nil
        }
        try recordSetup(changes: trainer.changedOnResume, arguments: arguments, in: folder, asked: saved != nil)
        return (trainer, folder)
    }

    /// Refuses batches with fewer rows than the ranks of a data-parallel job.
    static func checkShares(of batchSize: Int, over world: any ProcessGroup) throws {
        guard world.size > 1 else { return }
        guard batchSize >= world.size else {
            throw RunError("--batch-size \(batchSize) is smaller than the \(world.size) processes mpirun started: "
                + "each rank takes a share of every batch; give at least \(world.size)")
        }
    }

    /// Says on rank 0 of a data-parallel job how its batches are shared, once the trainer has
    /// accepted them (not before a refusal of the batch size).
    static func announceShares(of batchSize: Int, over world: any ProcessGroup) {
        guard world.size > 1, world.isLeader else { return }
        let shares = Set((0..<world.size).map { (batchSize * ($0 + 1) / world.size) - (batchSize * $0 / world.size) })
        FileHandle.standardError.write(Data(("data-parallel over \(world.size) processes (mpirun): each takes "
            + shares.sorted().map(String.init).joined(separator: " or ") + " of every batch's \(batchSize) rows\n").utf8))
    }
}

/// What ``TrainCommand/setUpRun(batchSize:world:arguments:continuing:_:)`` needs of a trainer.
protocol FamilyTrainer {
    associatedtype Summary
    /// The training options a resumed run changed against its `config.json`.
    var changedOnResume: [String] { get }
    /// Trains the remaining steps or epochs.
    func run(quiet: Bool) throws -> Summary
}

extension VariationalTrainer: FamilyTrainer {}
extension AdversarialTrainer: FamilyTrainer {}
extension ClassifierTrainer: FamilyTrainer {}
