import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

/// 96 binary 6-pixel patterns from three prototypes with a little noise, labelled by prototype.
func tinyPatterns(seed: UInt64 = 3) -> LatentData.Dataset {
    var generator = SplitMix64(seed: seed)
    let prototypes: [[Float]] = [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1], [1, 0, 1, 0, 1, 0]]
    var scalars: [Float] = [], labels: [Int] = []
    for index in 0..<96 {
        let label = index % 3
        labels.append(label)
        scalars += prototypes[label].map { generator.nextUnitFloat() < 0.05 ? 1 - $0 : $0 }
    }
    return Dataset(name: "patterns", examples: Tensor(shape: [96, 6], scalars: scalars), labels: labels,
                   classCount: 3, valueRange: 0...1)
}

func temporaryFolder() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("latent-test-\(UUID().uuidString)").path
    return path
}

@Suite("VariationalTrainer")
struct VariationalTrainerTests {
    func options(epochs: Int) -> VariationalTrainingOptions {
        var options = VariationalTrainingOptions()
        options.epochs = epochs
        options.batchSize = 16
        options.learningRate = 0.01
        options.logEvery = 1
        options.sampleEvery = 0
        return options
    }

    func trainer(_ kind: VariationalKind, epochs: Int, folder: String, resuming: Bool = false,
                 estimator: GradientEstimator = .reparameterization) throws -> VariationalTrainer {
        var configuration = tinyConfiguration(kind)
        configuration.estimator = estimator
        let data = tinyPatterns()
        return try VariationalTrainer(
            configuration: configuration, options: options(epochs: epochs), training: data, test: data,
            dataset: "patterns", folder: RunFolder(creating: folder, resuming: resuming), resuming: resuming)
    }

    /// Each member of the family learns: the test loss after 40 epochs is well below the loss
    /// of the untrained model (by at least 20%).
    @Test(arguments: [VariationalKind.ae, .vae, .betaVAE, .iwae, .cvae])
    func lossFalls(kind: VariationalKind) throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try trainer(kind, epochs: 40, folder: folder)
        let before = run.evaluate(on: tinyPatterns()).negativeELBO
        let after = try run.run(quiet: true).test.negativeELBO
        #expect(after < 0.8 * before, "\(kind): \(before) → \(after)")
    }

    /// The score-function estimator is noisy but still trains a tiny VAE.
    @Test func scoreFunctionEstimatorStillTrains() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try trainer(.vae, epochs: 20, folder: folder, estimator: .scoreFunction)
        let before = run.evaluate(on: tinyPatterns()).negativeELBO
        let after = try run.run(quiet: true).test.negativeELBO
        #expect(after < 0.9 * before, "score function: \(before) → \(after)")
    }

    /// Two epochs, or one epoch then a resume for the second, give the same losses, bit for bit.
    @Test func resumedRunContinuesExactly() throws {
        let straight = temporaryFolder(), split = temporaryFolder()
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: split)
        }
        try trainer(.vae, epochs: 2, folder: straight).run(quiet: true)
        try trainer(.vae, epochs: 1, folder: split).run(quiet: true)
        try trainer(.vae, epochs: 2, folder: split, resuming: true).run(quiet: true)
        let losses = { (folder: String) in
            MetricsLog.read(URL(fileURLWithPath: folder).appendingPathComponent("metrics.jsonl"))
                .compactMap { $0["loss"] as? Double }
        }
        #expect(losses(straight).count == 12)
        #expect(losses(straight) == losses(split))
    }

    @Test func aFolderWithATrainedRunIsNotOverwritten() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try trainer(.vae, epochs: 1, folder: folder).run(quiet: true)
        #expect(throws: RunError.self) { try RunFolder(creating: folder, resuming: false) }
    }

    /// A diverging run stops with the step number and leaves the last good checkpoint intact.
    @Test func nonFiniteLossStopsTheRunAndKeepsTheCheckpoint() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try trainer(.vae, epochs: 1, folder: folder).run(quiet: true)
        let checkpoint = URL(fileURLWithPath: folder).appendingPathComponent("checkpoint.safetensors")
        let saved = try Data(contentsOf: checkpoint)
        let run = try trainer(.vae, epochs: 2, folder: folder, resuming: true)
        #expect(run.changedOnResume.isEmpty, "only the epoch count changed: \(run.changedOnResume)")
        run.model.decoder.layers[0].weight.updateInPlace { $0[0] = .nan }
        do {
            try run.run(quiet: true)
            Issue.record("expected the run to stop")
        } catch let error as RunError {
            #expect(error.description.contains("at step 7"), "\(error)")
        }
        #expect(try Data(contentsOf: checkpoint) == saved)
    }
}
