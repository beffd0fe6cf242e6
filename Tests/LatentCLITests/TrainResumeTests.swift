import ArgumentParser
import Foundation
import TestSupport
import Testing

@testable import LatentCLI
import LatentModels

/// `latent train --resume` refuses what would make `config.json` contradict the run.
@Suite("Train --resume")
struct TrainResumeTests {
    /// Runs `latent train` with `arguments`; false when it failed (it printed one line).
    @discardableResult
    static func train(_ arguments: [String]) -> Bool {
        do {
            try TrainCommand.parse(arguments).run(invocation: arguments)
            return true
        } catch {
            return false
        }
    }

    static func configuration(_ folder: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("config.json"))
    }

    /// A GAN run of 6 steps resumed with --steps 3 (replaying its own options), or on another
    /// dataset of the same shape, fails and leaves config.json as it was; --steps 6 still
    /// resumes (none left to take).
    @Test func aGANResumeKeepsConfigConsistent() throws {
        let folder = TemporaryFolder.path("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tiny = [
            "--g-hidden", "8", "--d-hidden", "8", "--pack", "1", "--no-ema", "--batch-size", "16",
            "--sample-every", "0", "--out", folder,
        ]
        #expect(Self.train(["gan", "--dataset", "toy:ring8", "--steps", "6"] + tiny))
        let recorded = try Self.configuration(folder)
        #expect(!Self.train(["gan", "--resume", "--steps", "3", "--out", folder]))
        #expect(!Self.train(["gan", "--resume", "--dataset", "toy:grid25", "--steps", "8"] + tiny))
        #expect(try Self.configuration(folder) == recorded)
        #expect(Self.train(["gan", "--resume", "--steps", "6", "--out", folder]))
    }

    /// `--resume --sync-batch-norm` keeps the run's own options and turns the option on;
    /// `--no-sync-batch-norm` turns it off again.
    @Test func synchronizedBatchNormContinuesARun() throws {
        let folder = TemporaryFolder.path("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(Self.train([
            "gan", "--dataset", "toy:ring8", "--steps", "2", "--g-hidden", "8", "--d-hidden", "8", "--g-batch-norm", "true",
            "--pack", "1", "--no-ema", "--batch-size", "16", "--sample-every", "0", "--out", folder,
        ]))
        func saved() throws -> AdversarialTrainingOptions? {
            try RunFolder(unchecked: folder).readConfiguration().adversarialTraining
        }
        #expect(Self.train(["gan", "--resume", "--sync-batch-norm", "--steps", "3", "--out", folder]))
        #expect(try saved()?.synchronizedBatchNorm == true)
        #expect(try saved()?.batchSize == 16, "the run's own options were not kept")
        #expect(Self.train(["gan", "--resume", "--no-sync-batch-norm", "--steps", "4", "--out", folder]))
        #expect(try saved()?.synchronizedBatchNorm == nil)
        #expect(try saved()?.steps == 4)
    }

    /// The same for a variational model: --epochs below those done, or another dataset.
    @Test func aVariationalResumeKeepsConfigConsistent() throws {
        let folder = TemporaryFolder.path("cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tiny = [
            "--likelihood", "gaussian", "--hidden", "8", "--latent", "2", "--training-limit", "64",
            "--test-limit", "64", "--out", folder,
        ]
        #expect(Self.train(["vae", "--dataset", "toy:ring8", "--epochs", "2"] + tiny))
        let recorded = try Self.configuration(folder)
        #expect(!Self.train(["vae", "--resume", "--epochs", "1", "--out", folder]))
        #expect(
            !Self.train(["vae", "--resume", "--dataset", "toy:grid25", "--epochs", "3"] + tiny))
        #expect(try Self.configuration(folder) == recorded)
    }
}
