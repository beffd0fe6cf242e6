import ArgumentParser
import Foundation
import Testing

@testable import LatentCLI
@testable import LatentModels

/// `latent train` refuses the options the chosen model does not use, naming who takes them.
@Suite("Train option use")
struct TrainOptionUseTests {
    /// The message of the refusal of `arguments` (model first), or `nil` when they are taken.
    func refusal(_ arguments: [String]) throws -> String? {
        let model = try #require(ModelName(rawValue: arguments[0]))
        do {
            try TrainCommand.checkOptionsApply(to: model, in: arguments)
            return nil
        } catch let error as ValidationError {
            return error.message
        }
    }

    /// Every long option of `latent train` is taken by every model or classified by the models
    /// that take it, so a new option cannot be dropped silently by the models that ignore it.
    @Test func everyOptionIsClassified() {
        let all = TrainCommand.longOptionNames(of: TrainCommand.self)
        #expect(all.isSuperset(of: ["--out", "--latent", "--loss", "--ema", "--no-ema", "--d-hidden", "--sample-every"]))
        let classified = Set(TrainCommand.optionUsers.keys)
        #expect(classified.isDisjoint(with: TrainCommand.optionsOfEveryModel))
        let known = classified.union(TrainCommand.optionsOfEveryModel)
        #expect(all.subtracting(known).isEmpty, "unclassified options: \(all.subtracting(known).sorted())")
        #expect(known.subtracting(all).isEmpty, "classified but not options: \(known.subtracting(all).sorted())")
        #expect(TrainCommand.optionUsers.values.allSatisfy { !$0.isEmpty && $0.count < ModelName.allCases.count })
    }

    @Test func optionsOfTheOtherFamilyAreRefused() throws {
        #expect(try refusal(["vae", "--loss", "hinge", "--ema", "--out", "r"])
            == "vae does not take --loss, --ema (for the adversarial models gan, dcgan, wgan, wgan-gp, sngan, cgan, infogan)")
        #expect(try refusal(["gan", "--hidden", "3", "--beta=9", "--likelihood", "gaussian", "--out", "r"])
            == "gan does not take --hidden, --likelihood (for the variational models ae, vae, beta-vae, iwae, cvae); "
                + "--beta (for beta-vae)")
        #expect(try refusal(["dcgan", "--ema", "--loss", "hinge", "--architecture", "conv", "--width", "16", "--out", "r"]) == nil)
        #expect(try refusal(["vae", "--architecture", "conv", "--width", "16", "--hidden", "400", "--out", "r"]) == nil)
        #expect(try refusal(["vae", "--steps", "100", "--out", "r"])?.contains("--steps (for the adversarial models") == true)
    }

    @Test func optionsOfOtherModelsAreRefused() throws {
        #expect(try refusal(["classifier", "--checkpoint-every", "5", "--out", "r"])
            == "classifier does not take --checkpoint-every (for the variational and adversarial models)")
        #expect(try refusal(["classifier", "--sample-every", "5", "--width", "8", "--out", "r"]) != nil)
        #expect(try refusal(["vae", "--learning-rate-decay", "0.5", "--out", "r"])
            == "vae does not take --learning-rate-decay (for the classifier)")
        #expect(try refusal(["gan", "--classifier-architecture", "mlp", "--out", "r"]) != nil)
        #expect(try refusal(["gan", "--test-limit", "10", "--out", "r"])
            == "gan does not take --test-limit (for the variational models ae, vae, beta-vae, iwae, cvae and the classifier)")
        #expect(try refusal(["iwae", "--beta", "2", "--out", "r"]) == "iwae does not take --beta (for beta-vae)")
        #expect(try refusal(["ae", "--importance-samples", "3", "--out", "r"]) != nil)
        #expect(try refusal(["iwae", "--no-baseline", "--out", "r"]) != nil)
        #expect(try refusal(["dcgan", "--info-weight", "2", "--out", "r"]) == "dcgan does not take --info-weight (for infogan)")
        #expect(try refusal(["gan", "--projection", "true", "--out", "r"]) != nil)
        #expect(try refusal(["cvae", "--importance-samples", "3", "--test-limit", "100", "--sample-every", "2", "--out", "r"]) == nil)
        #expect(try refusal(["classifier", "--learning-rate-decay", "0.5", "--test-limit", "100", "--out", "r"]) == nil)
        // Only options count: a value that looks like a model's option name does not.
        #expect(try refusal(["infogan", "--info-weight", "2", "--", "--hidden"]) == nil)
    }

    /// End to end: the refusal is one line and a failing exit, before any run folder is made.
    @Test func refusedOptionsStopTrainingBeforeTheRunFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-use-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let arguments = ["vae", "--dataset", "toy:ring8", "--loss", "hinge", "--ema", "--out", folder]
        #expect(throws: ExitCode.failure) { try TrainCommand.parse(arguments).run(invocation: arguments) }
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    /// A GAN's length is --epochs or --steps, not both; a resume that gives one replaces both
    /// recorded ones.
    @Test func epochsAndStepsAreAlternatives() throws {
        let both = #expect(throws: (any Error).self) { try TrainCommand.parse(["gan", "--epochs", "2", "--steps", "100", "--out", "r"]) }
        #expect(TrainCommand.message(for: both!).contains("--epochs and --steps"))
        #expect(try TrainCommand.parse(["gan", "--steps", "100", "--out", "r"]).adversarial.steps == 100)
        let replayed = TrainCommand.replayedArguments(
            recorded: ["gan", "--steps", "20", "--out", "r"], current: ["gan", "--resume", "--epochs", "3", "--out", "r"],
            model: "gan")
        #expect(replayed == ["gan", "--epochs", "3", "--out", "r"])
        #expect(try TrainCommand.parse(replayed! + ["--resume"]).epochs == 3)
    }
}
