import Foundation
import LatentData
import LatentDistributed
import LatentNN
import LatentTensor
import TestSupport
import Testing

@testable import LatentModels

/// Data-parallel training on ranks that are threads of one process (``LocalProcessGroup``): the
/// same loop and collectives as under `mpirun`, checked against one process.
@Suite("Data-parallel training")
struct DataParallelTrainingTests {
    /// A trainer of the tiny patterns for `group`, writing to `folder` (created by the caller).
    func trainer(
        _ kind: VariationalKind, epochs: Int, batchSize: Int = 16, folder: String, resuming: Bool = false,
        group: any ProcessGroup
    ) throws -> VariationalTrainer {
        var options = tinyTrainingOptions(epochs: epochs)
        options.batchSize = batchSize
        let data = tinyPatterns()
        let runFolder = group.isLeader
            ? try RunFolder(creating: folder, resuming: resuming) : RunFolder(unchecked: folder)
        return try VariationalTrainer(
            configuration: tinyConfiguration(kind), options: options, training: data, test: data,
            dataset: "patterns", folder: runFolder, resuming: resuming, group: group)
    }

    /// Trains on `size` ranks and returns each rank's final parameters; rank 0 creates the
    /// folder first, as the CLI's rank 0 does before the others open it.
    func trainOnRanks(
        _ size: Int, _ kind: VariationalKind, epochs: Int, batchSize: Int = 16, folder: String,
        resuming: Bool = false
    ) throws -> [[[Float]]] {
        if !resuming { _ = try RunFolder(creating: folder, resuming: false) }
        let outcomes = LocalProcessGroup.run(size: size) { group -> Result<[[Float]], RunError> in
            do {
                let run = try trainer(kind, epochs: epochs, batchSize: batchSize, folder: folder,
                                      resuming: resuming, group: group)
                try run.run(quiet: true)
                return .success(run.model.parameters.map(\.value.scalars))
            } catch {
                return .failure(RunError("rank \(group.rank): \(error)"))
            }
        }
        return try outcomes.map { try $0.get() }
    }

    func losses(_ folder: String) -> [Double] {
        MetricsLog.read(URL(fileURLWithPath: folder).appendingPathComponent("metrics.jsonl"))
            .compactMap { $0["loss"] as? Double }
    }

    /// An autoencoder draws no noise, so its data-parallel steps are the whole batch's steps:
    /// every rank ends with the same weights, bit for bit, and they match one process's to
    /// rounding (sums in another order), with shares of 8, of 5 or 6, and of 0 or 1 rows.
    @Test(arguments: [(2, 16), (3, 16), (3, 2)])
    func autoencoderOnSeveralRanksMatchesOneProcess(size: Int, batchSize: Int) throws {
        let single = TemporaryFolder.path("single"), parallel = TemporaryFolder.path("parallel")
        defer {
            try? FileManager.default.removeItem(atPath: single)
            try? FileManager.default.removeItem(atPath: parallel)
        }
        let one = try trainer(.ae, epochs: 2, batchSize: batchSize, folder: single, group: SingleProcessGroup())
        try one.run(quiet: true)
        let ranks = try trainOnRanks(size, .ae, epochs: 2, batchSize: batchSize, folder: parallel)
        for rank in ranks.dropFirst() { #expect(rank == ranks[0], "the ranks' weights differ") }
        for (got, expected) in zip(ranks[0], one.model.parameters.map(\.value.scalars)) {
            #expect(Close.scalars(got, expected, tolerance: 1e-4), "\(got) against \(expected)")
        }
        // Rank 0 alone logs, the whole batch's loss at every step.
        let logged = losses(parallel), reference = losses(single)
        #expect(logged.count == reference.count && logged.count == 2 * ((96 + batchSize - 1) / batchSize))
        for (got, expected) in zip(logged, reference) { #expect(abs(got - expected) <= 1e-4 * max(1, abs(expected))) }
        #expect(FileManager.default.fileExists(atPath: parallel + "/checkpoint.safetensors"))
        #expect(FileManager.default.fileExists(atPath: parallel + "/report.html"))
    }

    /// A VAE on two ranks, each with its own noise, learns as one process does, and its ranks
    /// stay one model.
    @Test func variationalAutoencoderLearnsOnTwoRanks() throws {
        let folder = TemporaryFolder.path("parallel"), untrained = TemporaryFolder.path("untrained")
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: untrained)
        }
        let before = try trainer(.vae, epochs: 0, folder: untrained, group: SingleProcessGroup())
            .evaluate(on: tinyPatterns()).negativeELBO
        let ranks = try trainOnRanks(2, .vae, epochs: 40, folder: folder)
        #expect(ranks[0] == ranks[1], "the ranks' weights differ")
        let after = try RunFolder(existing: folder).summaryLoss
        #expect(after < 0.8 * Double(before), "\(before) → \(after)")
    }

    /// A data-parallel run resumed from its checkpoint continues as if it had not stopped: each
    /// rank's noise comes from the seed, the step and the rank, not from a state only rank 0 saved.
    @Test func resumedDataParallelRunContinuesExactly() throws {
        let straight = TemporaryFolder.path("straight"), split = TemporaryFolder.path("split")
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: split)
        }
        let whole = try trainOnRanks(2, .vae, epochs: 2, folder: straight)
        _ = try trainOnRanks(2, .vae, epochs: 1, folder: split)
        let resumed = try trainOnRanks(2, .vae, epochs: 2, folder: split, resuming: true)
        #expect(losses(straight).count == 12)
        #expect(losses(straight) == losses(split))
        #expect(whole == resumed)
    }
}

extension RunFolder {
    /// The last test loss `metrics.jsonl` holds.
    fileprivate var summaryLoss: Double {
        MetricsLog.read(metricsURL).compactMap { $0["test_loss"] as? Double }.last ?? .nan
    }
}
