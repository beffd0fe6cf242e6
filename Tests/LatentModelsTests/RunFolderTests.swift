import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

/// What a run folder guarantees across trainers: a diverged run stops and keeps its last good
/// checkpoint, a resume cannot silently change what the run is, and problems with the folder
/// are found before anything in it changes.
@Suite("RunFolder")
struct RunFolderTests {
    func variationalOptions(epochs: Int) -> VariationalTrainingOptions {
        var options = VariationalTrainingOptions()
        options.epochs = epochs
        options.batchSize = 16
        options.learningRate = 0.01
        options.logEvery = 1
        options.sampleEvery = 0
        return options
    }

    func variationalTrainer(
        epochs: Int, folder: String, resuming: Bool = false, test: Dataset = tinyPatterns(),
        dataset: String = "patterns", likelihood: Likelihood = .bernoulli
    ) throws -> VariationalTrainer {
        try VariationalTrainer(
            configuration: tinyConfiguration(.vae, likelihood: likelihood),
            options: variationalOptions(epochs: epochs), training: tinyPatterns(), test: test,
            dataset: dataset, folder: RunFolder(creating: folder, resuming: resuming),
            resuming: resuming)
    }

    /// The bytes of both checkpoint files.
    func checkpointBytes(_ folder: String) throws -> [Data] {
        let url = URL(fileURLWithPath: folder)
        return try ["checkpoint.safetensors", "optimizer.safetensors"].map {
            try Data(contentsOf: url.appendingPathComponent($0))
        }
    }

    // MARK: - Divergence

    /// A test loss that overflows (a pixel of 1e20 under a Gaussian likelihood gives NaN) stops
    /// the run at the end of its first epoch, which has no checkpoint yet, and says so.
    @Test func aNonFiniteTestLossStopsTheRun() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var test = tinyPatterns()
        test.examples = test.examples.updatingScalar(at: 0, to: 1e20)
        let run = try variationalTrainer(
            epochs: 2, folder: folder, test: test, likelihood: .gaussian)
        let error = #expect(throws: RunError.self) { try run.run(quiet: true) }
        let message = try #require(error?.description)
        #expect(message.hasPrefix("the test loss became "), "\(message)")
        #expect(
            message.hasSuffix(
                "nan after epoch 1 (step 6); stopped; no checkpoint was written yet in \(folder)"),
            "\(message)")
        #expect(!Checkpoint.hasSavedRun(in: URL(fileURLWithPath: folder)))
    }

    /// An optimiser moment gone infinite (the weights stop moving, the loss stays finite) stops
    /// the run at its next checkpoint, naming the tensor and the step; the last good checkpoint
    /// stays as it was.
    @Test func nonFiniteOptimizerStateIsNeverSaved() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try variationalTrainer(epochs: 1, folder: folder).run(quiet: true)
        let saved = try checkpointBytes(folder)
        let run = try variationalTrainer(epochs: 2, folder: folder, resuming: true)
        let parameters = run.model.namedParameters
        var state = run.optimizer.state(for: parameters)
        let moment = try #require(state.tensors.keys.sorted().first { $0.contains("exp_avg_sq") })
        state.tensors[moment] = Tensor(shape: state.tensors[moment]!.shape, repeating: .infinity)
        try run.optimizer.loadState(state, for: parameters)

        let error = #expect(throws: RunError.self) { try run.run(quiet: true) }
        let message = try #require(error?.description)
        #expect(message.hasPrefix("training diverged: adam.\(moment) holds "), "\(message)")
        #expect(
            message.hasSuffix(
                "after step 12; stopped; the last good checkpoint is kept in \(folder)"),
            "\(message)")
        #expect(try checkpointBytes(folder) == saved)
    }

    /// A GAN whose first step diverges says that it has no checkpoint yet.
    @Test func aRunThatDivergesBeforeItsFirstCheckpointSaysSo() throws {
        var (configuration, options, data) = tinyAdversarial(.gan)
        options.steps = 3
        data.examples = data.examples * Float.nan
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let error = #expect(throws: RunError.self) { try trainer.run(quiet: true) }
        #expect(
            error?.description.hasSuffix(
                "no checkpoint was written yet in \(trainer.folder.url.path)") == true)
    }
}

extension Tensor {
    /// A copy with the scalar at flat `index` replaced.
    fileprivate func updatingScalar(at index: Int, to value: Float) -> Tensor {
        var scalars = self.scalars
        scalars[index] = value
        return Tensor(shape: shape, scalars: scalars)
    }
}
