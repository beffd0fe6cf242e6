import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

@Suite("InfoGAN's mutual-information term")
struct GANInformationTests {
    /// The information term of G's step, on images generated from the step's own codes, has a
    /// gradient in every generator parameter (the categorical code's weights included) and in
    /// the code head; D's step puts it on D's shared body and the code head.
    @Test func informationGradientReachesEveryPlayer() throws {
        let (configuration, options, data) = tinyAdversarial(.infogan, images: true)
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let (real, _) = trainer.realBatch(0)
        var random = SplitMix64(seed: 3)
        let categories = (0..<real.shape[0]).map { $0 % configuration.categoricalCode }
        let (input, codes) = trainer.model.generatorInput(
            count: real.shape[0], codes: GeneratorCodes(categories: categories), using: &random)
        let information = try #require(
            trainer.generatorObjective(input: input, codes: codes, real: real, labels: nil).information)
        let generator = trainer.model.generator.namedParameters
        let gradients = information.gradients(withRespectTo: generator.map(\.parameter.value))
        for ((name, _), gradient) in zip(generator, gradients) {
            #expect(gradient.abs().max().scalar > 0, "the information term does not reach G's \(name)")
        }
        // The first layer's columns for the one-hot category: each category's own weights move.
        let first = gradients[0]
        let noise = configuration.noiseDimension
        let categoryColumns = first.sliced(noise..<(noise + configuration.categoricalCode), alongAxis: 1)
        #expect(categoryColumns.abs().sum(alongAxis: 0).min().scalar > 0)

        let discriminator = trainer.model.discriminator
        let head = try #require(discriminator.codeHead).parameters.map(\.value)
        let body = discriminator.body.parameters.map(\.value)
        for gradient in information.gradients(withRespectTo: head) {
            #expect(gradient.abs().max().scalar > 0, "the information term does not reach Q")
        }
        let fake = withoutGradients { trainer.model.generator(input) }
        var alpha = SplitMix64(seed: 4)
        let objective = trainer.discriminatorObjective(real: real, labels: nil, fake: fake, codes: codes, using: &alpha)
        let informationInD = objective.total - objective.adversarial
        for gradient in informationInD.gradients(withRespectTo: body + head) {
            #expect(gradient.abs().max().scalar > 0, "D's step does not train its body and Q on the information term")
        }
    }

    /// An information term that overflows the objective (its weight at Float's largest value)
    /// stops the run at its first step as d_loss, though the adversarial part stays finite.
    @Test func anOverflowingObjectiveStopsTheRun() throws {
        var (configuration, options, data) = tinyAdversarial(.infogan, images: true)
        options.informationWeight = .greatestFiniteMagnitude
        options.steps = 3
        configuration.width = 4
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let error = #expect(throws: RunError.self) { try trainer.run(quiet: true) }
        let message = try #require(error?.description)
        #expect(message.contains("non-finite at step 1 (d_loss inf"), "\(message)")
    }

    /// Uniform categories: over many draws each category is drawn about equally often, and
    /// enters G's input as its one-hot vector.
    @Test func categoriesAreUniformAndOneHot() {
        let configuration = AdversarialConfiguration.recipe(.infogan, exampleShape: [1, 28, 28])
        var random = SplitMix64(seed: 5)
        let model = AdversarialNetwork(configuration, using: &random)
        let (input, codes) = model.generatorInput(count: 5000, using: &random)
        let categories = codes.categories!
        let counts = (0..<10).map { category in categories.count { $0 == category } }
        #expect(counts.allSatisfy { abs($0 - 500) < 100 }, "category counts \(counts)")
        let noise = configuration.noiseDimension
        let hot = input.sliced(noise..<(noise + 10), alongAxis: 1)
        #expect(hot.scalars == oneHot(categories, classes: 10).scalars)
        let noiseValues = input.sliced(0..<noise, alongAxis: 1)
        #expect(noiseValues.min().scalar >= -1 && noiseValues.max().scalar <= 1)
        #expect(configuration.noiseDimension == 62 && configuration.continuousCodes == 2)
    }

    /// A temperature scales the noise and only the noise: the same draws at temperature 0.5
    /// give half the noise, the same category one-hots and the same continuous codes.
    @Test func temperatureScalesOnlyTheNoise() {
        let configuration = AdversarialConfiguration.recipe(.infogan, exampleShape: [1, 28, 28])
        var random = SplitMix64(seed: 6)
        let model = AdversarialNetwork(configuration, using: &random)
        var first = SplitMix64(seed: 7), second = SplitMix64(seed: 7)
        let (plain, plainCodes) = model.generatorInput(count: 20, using: &first)
        let (cooled, cooledCodes) = model.generatorInput(count: 20, temperature: 0.5, using: &second)
        let noise = configuration.noiseDimension
        let width = plain.shape[1]
        #expect(zip(plain.sliced(0..<noise, alongAxis: 1).scalars, cooled.sliced(0..<noise, alongAxis: 1).scalars)
            .allSatisfy { $1 == $0 * 0.5 })
        #expect(plain.sliced(noise..<width, alongAxis: 1).scalars == cooled.sliced(noise..<width, alongAxis: 1).scalars)
        #expect(plainCodes.categories == cooledCodes.categories)
    }
}
