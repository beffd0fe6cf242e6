import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

@Suite("GAN packing and step-size decay")
struct GANPackingTests {
    /// With packing 2, D scores each pair of consecutive examples: a batch of 6 gives 3 scores,
    /// the score of a pair is D's body on the two examples concatenated, and changing one
    /// example changes its own pair's score only.
    @Test func packedDiscriminatorScoresPairs() {
        var configuration = AdversarialConfiguration.recipe(.gan, exampleShape: [2])
        configuration.discriminatorHidden = [8]
        configuration.packing = 2
        var random = SplitMix64(seed: 5)
        let discriminator = Discriminator(configuration, using: &random)
        let points = Tensor(randomNormal: [6, 2], using: &random)
        let scores = discriminator(points)
        #expect(scores.shape == [3])
        let direct = discriminator.head(discriminator.body(points.reshaped(to: [3, 4])))
        #expect(scores.scalars == direct.reshaped(to: [3]).scalars)
        var changed = points.scalars
        changed[2] += 1  // example 1, in the first pair
        let moved = discriminator(Tensor(shape: [6, 2], scalars: changed)).scalars
        #expect(moved[0] != scores.scalars[0])
        #expect(Array(moved[1...]) == Array(scores.scalars[1...]))
    }

    /// The penalty's norm is the gradient's over a packed group's whole input: for the linear
    /// critic C(x₁, x₂) = w·(x₁, x₂) every group's norm is ‖w‖.
    @Test func penaltyNormIsPerPackedGroup() {
        let w = Tensor(shape: [4, 1], scalars: [0.3, -0.4, 1.2, 0])
        let points = Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8]).requiringGradient()
        let (penalty, norm) = AdversarialLosses.gradientPenalty(at: points) {
            $0.reshaped(to: [2, 4]).matmul(w).reshaped(to: [2])
        }
        let expected: Float = (0.09 + 0.16 + 1.44).squareRoot()
        #expect(abs(norm - expected) < 1e-5)
        #expect(abs(penalty.scalar - (expected - 1) * (expected - 1)) < 1e-5)
    }

    /// One D step and one G step with packing lower their own losses, for the logistic GAN and
    /// for WGAN-GP (whose penalty then works on packed groups).
    @Test(arguments: [AdversarialKind.gan, .wganGP, .cgan])
    func packedStepLowersEachLoss(kind: AdversarialKind) throws {
        let (recipe, options, data) = tinyAdversarial(kind)
        var configuration = recipe
        configuration.packing = 4
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let (real, labels) = trainer.realBatch(0)
        #expect(trainer.model.discriminator(real, labels: labels).shape == [real.shape[0] / 4])
        let losses = oneStepLosses(trainer)
        #expect(losses.discriminator.after < losses.discriminator.before)
        #expect(losses.generator.after < losses.generator.before)
    }

    /// A batch that does not split into groups, and packing with InfoGAN's per-example code
    /// head, are refused.
    @Test func refusesPackingThatCannotWork() {
        let (recipe, options, data) = tinyAdversarial(.gan)
        var configuration = recipe
        configuration.packing = 3  // batches of 16
        #expect(throws: ConfigurationError.self) { _ = try adversarialTrainer(configuration, options, data) }
        configuration = AdversarialConfiguration.recipe(.infogan, exampleShape: [2])
        configuration.packing = 2
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }

    /// The decay factors: linear 1 → 0, cosine 1 → ½ at half way → 0, none 1.
    @Test func decayFactors() {
        #expect(AdversarialLearningRateDecay.linear.factor(step: 0, total: 10) == 1)
        #expect(AdversarialLearningRateDecay.linear.factor(step: 4, total: 10) == 0.6)
        #expect(AdversarialLearningRateDecay.linear.factor(step: 10, total: 10) == 0)
        #expect(abs(AdversarialLearningRateDecay.cosine.factor(step: 5, total: 10) - 0.5) < 1e-6)
        #expect(AdversarialLearningRateDecay.none.factor(step: 7, total: 10) == 1)
    }

    /// Under linear decay both optimisers take step t with the initial rate times 1 − t/steps,
    /// and a resumed run sets the same rates as an uninterrupted one.
    @Test func trainerDecaysBothStepSizes() throws {
        let (configuration, recipe, data) = tinyAdversarial(.gan)
        var options = recipe
        options.steps = 4
        options.learningRate = 1e-3
        options.discriminatorLearningRate = 2e-3
        options.learningRateDecay = .linear
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        _ = trainer.trainStep()
        #expect(trainer.generatorOptimizer.learningRate == 1e-3)
        try trainer.run(quiet: true)
        #expect(abs(trainer.generatorOptimizer.learningRate - 1e-3 * 0.25) < 1e-9)
        #expect(abs(trainer.discriminatorOptimizer.learningRate - 2e-3 * 0.25) < 1e-9)
    }

    /// `recipe(for:)` gives the training recipe of the configuration's data: the packed recipe's
    /// Adam, batch 256, 12,000 decayed steps and average for `gan` on points, the paper's SGD on
    /// images; other kinds do not depend on the shape.
    @Test func trainingRecipeFollowsTheConfiguration() {
        let points = AdversarialTrainingOptions.recipe(for: .recipe(.gan, exampleShape: [2]))
        #expect(points.optimizer == .adam && points.learningRate == 2e-3 && points.batchSize == 256)
        #expect(points.steps == 12_000 && points.learningRateDecay == .linear && points.averageDecay == 0.995)
        let images = AdversarialTrainingOptions.recipe(for: .recipe(.gan, exampleShape: [1, 28, 28]))
        #expect(images.optimizer == .sgd && images.learningRateDecay == nil)
        #expect(
            AdversarialTrainingOptions.recipe(for: .recipe(.wganGP, exampleShape: [2]))
                == AdversarialTrainingOptions.recipe(.wganGP, exampleShape: [1, 28, 28]))
    }

    /// Run configurations written before packing and decay existed still load.
    @Test func olderConfigurationsDecode() throws {
        let configuration = AdversarialConfiguration.recipe(.gan, exampleShape: [1, 28, 28])
        let options = AdversarialTrainingOptions.recipe(for: configuration)
        let encoder = JSONEncoder()
        for (value, key) in [
            (try encoder.encode(configuration), "packing"), (try encoder.encode(options), "learningRateDecay"),
        ] {
            let text = String(decoding: value, as: UTF8.self)
            #expect(!text.contains(key), "nil \(key) is left out of the JSON")
        }
        let decoded = try JSONDecoder().decode(AdversarialConfiguration.self, from: try encoder.encode(configuration))
        #expect(decoded == configuration && decoded.packedExamples == 1)
        let decodedOptions = try JSONDecoder().decode(AdversarialTrainingOptions.self, from: try encoder.encode(options))
        #expect(decodedOptions == options && decodedOptions.learningRateDecay == nil)
    }
}
