import ArgumentParser
import Foundation
import Testing

@testable import LatentCLI
@testable import LatentModels

/// `latent train`'s checks of counts and ranges, and the intervals of both families.
@Suite("Train validation")
struct TrainValidationTests {
    /// A run refused while its trainer is set up (here --sync-batch-norm on a model without
    /// BatchNorm) leaves no empty --out folder behind, nor the parents made for it; a folder
    /// that existed stays.
    @Test func aRefusedRunLeavesNoEmptyFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-refused-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let arguments = ["gan", "--dataset", "toy:ring8", "--steps", "2", "--sync-batch-norm", "--out", folder + "/new/run"]
        let refusal = #expect(throws: ConfigurationError.self) {
            try TrainCommand.parse(arguments).trainAdversarial(arguments: arguments)
        }
        #expect(refusal?.description.contains("this gan has no BatchNorm layer") == true, "refused before the folder was made")
        #expect(!FileManager.default.fileExists(atPath: folder), "the parents made for the run stayed")
        try FileManager.default.createDirectory(atPath: folder + "/new/run", withIntermediateDirectories: true)
        #expect(throws: (any Error).self) { try TrainCommand.parse(arguments).run(invocation: arguments) }
        #expect(FileManager.default.fileExists(atPath: folder + "/new/run"))
    }

    /// --sample-every and --checkpoint-every reach both families; unset, each keeps its own
    /// default, and a continued run keeps its own values.
    @Test func intervalsReachBothFamilies() throws {
        func variational(_ arguments: [String]) throws -> VariationalTrainingOptions {
            try TrainCommand.parse(["vae", "--out", "r"] + arguments).variationalOptions()
        }
        func adversarial(_ arguments: [String], continuing saved: AdversarialTrainingOptions? = nil) throws
            -> AdversarialTrainingOptions
        {
            try TrainCommand.parse(["dcgan", "--out", "r"] + arguments)
                .adversarialOptions(kind: .dcgan, exampleShape: [1, 28, 28], trainingCount: 1000, continuing: saved)
        }
        #expect(try variational([]).sampleEvery == 1 && variational([]).checkpointEvery == 0)
        #expect(try variational(["--sample-every", "5", "--checkpoint-every", "200"]).sampleEvery == 5)
        #expect(try variational(["--checkpoint-every", "200"]).checkpointEvery == 200)
        #expect(try adversarial([]).sampleEvery == 1000 && adversarial([]).checkpointEvery == 1000)
        #expect(try adversarial(["--checkpoint-every", "0"]).checkpointEvery == 0)
        #expect(try adversarial(["--sample-every", "0"]).sampleEvery == 0)
        var saved = AdversarialTrainingOptions()
        saved.sampleEvery = 0
        saved.checkpointEvery = 250
        let continued = try adversarial(["--steps", "30"], continuing: saved)
        #expect(continued.sampleEvery == 0 && continued.checkpointEvery == 250 && continued.steps == 30)
        #expect(try adversarial(["--sample-every", "7"], continuing: saved).sampleEvery == 7)
        var savedVariational = VariationalTrainingOptions()
        savedVariational.sampleEvery = 0
        #expect(try TrainCommand.parse(["vae", "--out", "r", "--epochs", "3"])
            .variationalOptions(continuing: savedVariational).sampleEvery == 0)
    }

    @Test func badCountsAreRefusedWithTheOptionNamed() {
        for (arguments, option) in [
            (["vae", "--checkpoint-every=-1"], "--checkpoint-every"), (["gan", "--sample-every=-5"], "--sample-every"),
            (["vae", "--test-limit", "0"], "--test-limit"), (["vae", "--hidden", "10,,10"], "--hidden"),
            (["vae", "--hidden", "10,"], "--hidden"), (["gan", "--g-hidden", ",8"], "--g-hidden"),
        ] {
            let error = #expect(throws: (any Error).self) { try TrainCommand.parse(arguments + ["--out", "r"]) }
            #expect(TrainCommand.message(for: error!).contains(option), "\(arguments)")
        }
    }

    /// SGD's momentum lies in [0, 1) and InfoGAN's information weight is not negative: the
    /// command refuses them as it parses, and the library's options refuse them in validate().
    @Test func adversarialTrainingRangesAreChecked() throws {
        let parsed = try TrainCommand.parse(["gan", "--out", "r"])
            .adversarialOptions(kind: .gan, exampleShape: [1, 28, 28], trainingCount: 1000)
        for (arguments, option, change) in [
            (["gan", "--momentum", "2"], "--momentum", { (options: inout AdversarialTrainingOptions) in options.momentum = 2 }),
            (["gan", "--momentum=-0.1"], "--momentum", { $0.momentum = -0.1 }),
            (["gan", "--info-weight=-1"], "--info-weight", { $0.informationWeight = -1 }),
        ] {
            let error = #expect(throws: (any Error).self) { try TrainCommand.parse(arguments + ["--out", "r"]) }
            #expect(TrainCommand.message(for: error!).contains(option), "\(arguments)")
            var options = parsed
            change(&options)
            let invalid = #expect(throws: ConfigurationError.self) { try options.validate() }
            #expect(invalid?.description.contains(option) == true, "\(arguments)")
        }
        var fine = parsed
        fine.momentum = 0.9
        try fine.validate()
    }

    /// A layer past 16 GiB of weights (a typo: --hidden 100000000) is refused with its size
    /// named, before the allocation aborts; every recipe and large real models pass.
    @Test func layerSizesHaveALimit() throws {
        var configuration = VariationalConfiguration()
        configuration.hidden = [100_000_000]
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.contains("784 × 100000000 weights would take 292.1 GiB") == true)
        configuration.hidden = [8192, 8192]
        try configuration.validate()
        configuration.hidden = [400]
        configuration.latentDimension = 1_000_000_000
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.latentDimension = 20
        configuration.architecture = .convolutional
        configuration.convolutionWidth = 1_000_000
        #expect(throws: ConfigurationError.self) { try configuration.validate() }

        for kind in AdversarialKind.allCases {
            for shape in [[1, 28, 28], [2]] {
                try AdversarialConfiguration.recipe(kind, exampleShape: shape, classCount: kind == .cgan ? 10 : 0).validate()
            }
        }
        var gan = AdversarialConfiguration.recipe(.gan, exampleShape: [1, 28, 28], classCount: 0)
        gan.generatorHidden = [100_000_000]
        #expect(throws: ConfigurationError.self) { try gan.validate() }
        var dcgan = AdversarialConfiguration.recipe(.dcgan, exampleShape: [1, 28, 28], classCount: 0)
        dcgan.width = 100_000
        #expect(throws: ConfigurationError.self) { try dcgan.validate() }
    }

    /// IWAE's k codes per example are decoded at once: a k past what fits (a typo) is refused.
    @Test func importanceSamplesHaveALimit() throws {
        var iwae = VariationalConfiguration()
        iwae.kind = .iwae
        iwae.importanceSamples = 1_000_000
        let error = #expect(throws: ValidationError.self) { try TrainCommand.checkDecodedBatch(iwae, batchSize: 128) }
        #expect(error?.message.hasPrefix("--importance-samples 1000000 with batches of 128 decodes 128000000 codes") == true)
        iwae.importanceSamples = 5000
        try TrainCommand.checkDecodedBatch(iwae, batchSize: 128)
    }

    /// Adversarial batches are clamped to the training set, and BatchNorm needs two examples:
    /// one example is refused in one line instead of trapping.
    @Test func adversarialTrainingNeedsTwoExamples() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-one-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let arguments = ["cgan", "--training-limit", "1", "--steps", "1", "--sample-every", "0", "--out", folder]
        #expect(throws: ExitCode.failure) { try TrainCommand.parse(arguments).run(invocation: arguments) }
    }
}
