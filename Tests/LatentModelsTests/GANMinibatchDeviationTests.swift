import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

@Suite("GAN minibatch standard deviation")
struct GANMinibatchDeviationTests {
    /// D's head scores the features with their group's deviation appended: the head's linear
    /// layer takes one more input, and an example's score moves when another example of its
    /// group changes (8 examples, groups of 4: examples 0, 2, 4, 6 and 1, 3, 5, 7), not when one
    /// of the other group does.
    @Test func scoresDependOnTheGroup() {
        var configuration = AdversarialConfiguration.recipe(.gan, exampleShape: [2])
        configuration.discriminatorHidden = [8]
        configuration.minibatchDeviationGroup = 4
        configuration.packing = nil
        var random = SplitMix64(seed: 5)
        let discriminator = Discriminator(configuration, using: &random)
        let shapes = Dictionary(uniqueKeysWithValues: discriminator.namedParameters.map { ($0.name, $0.parameter.shape) })
        #expect(shapes["head.1.weight"] == [1, 9])
        let points = Tensor(randomNormal: [8, 2], using: &random)
        let scores = discriminator(points).scalars
        var changed = points.scalars
        changed[2 * 2] += 1  // example 2, in the group of 0, 2, 4, 6
        let moved = discriminator(Tensor(shape: [8, 2], scalars: changed)).scalars
        for example in [0, 2, 4, 6] { #expect(moved[example] != scores[example]) }
        for example in [1, 3, 5, 7] { #expect(moved[example] == scores[example]) }
    }

    /// One D step and one G step with the layer lower their own losses, for the logistic GAN,
    /// WGAN-GP (whose penalty differentiates through the batch statistic) and a DCGAN.
    @Test(arguments: [(AdversarialKind.gan, false), (.wganGP, false), (.dcgan, true)])
    func stepLowersEachLoss(kind: AdversarialKind, images: Bool) throws {
        let (recipe, options, data) = tinyAdversarial(kind, images: images)
        var configuration = recipe
        configuration.minibatchDeviationGroup = 4
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let losses = oneStepLosses(trainer)
        #expect(losses.discriminator.after < losses.discriminator.before, "\(kind) D: \(losses.discriminator)")
        #expect(losses.generator.after < losses.generator.before, "\(kind) G: \(losses.generator)")
    }

    /// Groups of one carry no spread and are refused; a configuration without the option
    /// leaves it out of config.json.
    @Test func groupsOfOneAreRefused() throws {
        var configuration = AdversarialConfiguration.recipe(.gan, exampleShape: [2])
        let text = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        #expect(!text.contains("minibatchDeviationGroup"))
        configuration.minibatchDeviationGroup = 1
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
