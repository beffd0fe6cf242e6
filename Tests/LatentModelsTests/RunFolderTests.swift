import Foundation
import LatentData
import LatentNN
import LatentTensor
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import LatentModels

/// What a run folder guarantees across trainers: a diverged run stops and keeps its last good
/// checkpoint, a resume cannot silently change what the run is, and problems with the folder
/// are found before anything in it changes.
@Suite("RunFolder")
struct RunFolderTests {
    func variationalTrainer(
        epochs: Int, folder: String, resuming: Bool = false, test: Dataset = tinyPatterns(),
        dataset: String = "patterns", likelihood: Likelihood = .bernoulli
    ) throws -> VariationalTrainer {
        try VariationalTrainer(
            configuration: tinyConfiguration(.vae, likelihood: likelihood),
            options: tinyTrainingOptions(epochs: epochs), training: tinyPatterns(), test: test,
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
        let folder = TemporaryFolder.path("test")
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
        let folder = TemporaryFolder.path("test")
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

    /// A GAN whose first step diverges (non-finite data makes the first loss NaN) names the
    /// step and says that it has no checkpoint yet.
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
        #expect(error?.description.contains("step 1") == true, "\(String(describing: error))")
    }

    // MARK: - What a resume may change

    /// Hidden temporary files of atomic writes that a killed process left are removed when the
    /// run is resumed; those of a running process are kept.
    @Test func resumeRemovesStaleTemporaryFiles() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try variationalTrainer(epochs: 1, folder: folder).run(quiet: true)
        // 2^22 + 1 is above Linux's largest process number, so no process has it.
        let stale = ["\(folder)/.config.json.tmp-4194305", "\(folder)/.report.html.tmp-4194305"]
        let running = "\(folder)/.report.html.tmp-1"
        for path in stale + [running] { _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8)) }
        _ = try RunFolder(creating: folder, resuming: true)
        for path in stale { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
        #expect(FileManager.default.fileExists(atPath: running))
    }

    /// A resume on another dataset (of the same shape) is refused, naming both, before
    /// `config.json` changes.
    @Test func resumingOnAnotherDatasetIsRefused() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try variationalTrainer(epochs: 1, folder: folder).run(quiet: true)
        let configuration = URL(fileURLWithPath: folder).appendingPathComponent("config.json")
        let recorded = try Data(contentsOf: configuration)
        let error = #expect(throws: RunError.self) {
            try variationalTrainer(epochs: 2, folder: folder, resuming: true, dataset: "other")
        }
        #expect(
            error?.description
                == "--resume: \(folder) was trained on patterns, not other; resume with --dataset "
                + "patterns, or train on other in another --out")
        #expect(try Data(contentsOf: configuration) == recorded)

        var (adversarial, options, data) = tinyAdversarial(.gan)
        options.steps = 1
        let gan = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: gan) }
        try adversarialTrainer(adversarial, options, data, folder: gan).run(quiet: true)
        #expect(throws: RunError.self) {
            try AdversarialTrainer(
                configuration: adversarial, options: options, training: data, dataset: "toy:grid25",
                folder: RunFolder(creating: gan, resuming: true), resuming: true)
        }
    }

    /// A resume towards fewer epochs or steps than the checkpoint has done is refused, naming
    /// both numbers, before `config.json` changes; the same number is a resume with none left.
    @Test func resumingBelowWhatIsDoneIsRefused() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try variationalTrainer(epochs: 2, folder: folder).run(quiet: true)
        let configuration = URL(fileURLWithPath: folder).appendingPathComponent("config.json")
        let recorded = try Data(contentsOf: configuration)
        let error = #expect(throws: RunError.self) {
            try variationalTrainer(epochs: 1, folder: folder, resuming: true)
        }
        #expect(
            error?.description
                == "--resume: \(folder) has already done 2 epochs, more than the 1 asked for; "
                + "give --epochs 2 or more to continue it")
        #expect(try Data(contentsOf: configuration) == recorded)
        #expect(
            try variationalTrainer(epochs: 2, folder: folder, resuming: true).run(quiet: true)
                .epochs == 2)

        var (adversarial, options, data) = tinyAdversarial(.gan)
        options.steps = 3
        let gan = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: gan) }
        try adversarialTrainer(adversarial, options, data, folder: gan).run(quiet: true)
        options.steps = 2
        let refusal = #expect(throws: RunError.self) {
            try adversarialTrainer(adversarial, options, data, folder: gan, resuming: true)
        }
        #expect(
            refusal?.description
                == "--resume: \(gan) has already done 3 generator steps, more than the 2 asked "
                + "for; give --steps 3 or more to continue it")
    }

    // MARK: - The folder's files

    /// A metrics.jsonl that cannot be appended to (here a folder) stops a resume before
    /// anything is written, in one line naming the file and the system's reason.
    @Test func anUnwritableMetricsLogIsFoundBeforeAnythingIsWritten() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try variationalTrainer(epochs: 1, folder: folder).run(quiet: true)
        let url = URL(fileURLWithPath: folder)
        let metrics = url.appendingPathComponent("metrics.jsonl")
        try FileManager.default.removeItem(at: metrics)
        try FileManager.default.createDirectory(at: metrics, withIntermediateDirectories: false)
        let files = ["config.json", "checkpoint.safetensors", "optimizer.safetensors"]
        func snapshot() throws -> [Data] {
            try files.map { try Data(contentsOf: url.appendingPathComponent($0)) }
        }
        let before = try snapshot()
        let error = #expect(throws: RunError.self) {
            try variationalTrainer(epochs: 2, folder: folder, resuming: true)
        }
        #expect(error?.description == "\(metrics.path): cannot append to it: Is a directory")
        #expect(try snapshot() == before)
        let log = #expect(throws: RunError.self) { try MetricsLog(url: metrics) }
        #expect(log?.description == "\(metrics.path): cannot append to it: Is a directory")
    }

    /// A run folder that cannot be created, or a file that cannot be written, is named with the
    /// system's reason, not Foundation's error domain and code.
    @Test func fileErrorsArePlainLines() throws {
        let parent = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: parent) }
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let file = parent + "/notes.txt"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: RunError.self) {
            try RunFolder(creating: file + "/run", resuming: false)
        }
        #expect(error?.description == "cannot create run folder \(file)/run: Not a directory")
        let missing = URL(fileURLWithPath: parent + "/missing/config.json")
        let write = #expect(throws: RunError.self) { try AtomicFile.write(Data(), to: missing) }
        #expect(write?.description == "cannot write \(missing.path): No such file or directory")
    }

    /// A folder the user cannot write is refused before anything in it changes.
    @Test(.enabled(if: geteuid() != 0, "root writes into read-only folders"))
    func anUnwritableFolderIsRefusedAtOnce() throws {
        let folder = TemporaryFolder.path("test")
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
            try? FileManager.default.removeItem(atPath: folder)
        }
        try variationalTrainer(epochs: 1, folder: folder).run(quiet: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        let error = #expect(throws: RunError.self) {
            try RunFolder(creating: folder, resuming: true)
        }
        #expect(error?.description == "cannot write in run folder \(folder): Permission denied")
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
