import ArgumentParser
import Foundation
import Testing

@testable import LatentCLI
@testable import LatentModels

/// `latent train`'s checks of counts and ranges, and the intervals of both families.
@Suite("Train validation")
struct TrainValidationTests {
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

    /// SGD's momentum lies in [0, 1) and InfoGAN's information weight is not negative.
    @Test func adversarialTrainingRangesAreChecked() throws {
        func options(_ arguments: [String]) throws -> AdversarialTrainingOptions {
            try TrainCommand.parse(arguments + ["--out", "r"])
                .adversarialOptions(kind: .gan, exampleShape: [1, 28, 28], trainingCount: 1000)
        }
        for (arguments, option) in [
            (["gan", "--momentum", "2"], "--momentum"), (["gan", "--momentum=-0.1"], "--momentum"),
            (["gan", "--info-weight=-1"], "--info-weight"),
        ] {
            let error = #expect(throws: ConfigurationError.self) { try options(arguments).validate() }
            #expect(error?.description.contains(option) == true)
        }
        try options(["gan", "--momentum", "0.9"]).validate()
    }
}
