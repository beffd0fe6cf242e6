import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

/// 2-D points whose class decides where they lie: class k sits at angle 2πk/classes on the
/// unit circle, with standard deviation 0.05.
private func labelledClusters(count: Int, classes: Int, seed: UInt64) -> Dataset {
    var random = SplitMix64(seed: seed)
    let labels = (0..<count).map { $0 % classes }
    let noise = Tensor(randomNormal: [count, 2], using: &random).scalars
    var points: [Float] = []
    for (index, label) in labels.enumerated() {
        let angle = 2 * Float.pi * Float(label) / Float(classes)
        points += [cos(angle) + 0.05 * noise[2 * index], sin(angle) + 0.05 * noise[2 * index + 1]]
    }
    return Dataset(name: "clusters", examples: Tensor(shape: [count, 2], scalars: points), labels: labels,
                   classCount: classes, valueRange: -1.2...1.2)
}

/// The nearest class centre of each 2-D point `[count, 2]`.
private func nearestCentres(_ points: Tensor, classes: Int) -> [Int] {
    let scalars = points.scalars
    return (0..<points.shape[0]).map { index in
        (0..<classes).min { a, b in
            func distance(_ k: Int) -> Float {
                let angle = 2 * Float.pi * Float(k) / Float(classes)
                let dx = scalars[2 * index] - cos(angle), dy = scalars[2 * index + 1] - sin(angle)
                return dx * dx + dy * dy
            }
            return distance(a) < distance(b)
        }!
    }
}

@Suite("Conditional GANs")
struct GANConditionalTests {
    /// A small cgan on data whose class decides its cluster puts the samples of each
    /// requested label into that label's cluster: the label reaches G and D and is used.
    @Test(arguments: [false, true])
    func samplesFollowTheirLabel(projection: Bool) throws {
        let data = labelledClusters(count: 600, classes: 3, seed: 5)
        var configuration = AdversarialConfiguration.recipe(.cgan, exampleShape: [2], classCount: 3)
        configuration.labelProjection = projection
        configuration.generatorHidden = [32, 32]
        configuration.discriminatorHidden = [32, 32]
        configuration.noiseDimension = 4
        var options = AdversarialTrainingOptions.recipe(for: configuration)
        options.learningRate = 2e-3
        options.steps = 400
        options.logEvery = 100
        options.sampleEvery = 0
        options.checkpointEvery = 0
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        try trainer.run(quiet: true)
        var noise = SplitMix64(seed: 8)
        let labels = (0..<300).map { $0 % 3 }
        let samples = trainer.model.sample(count: 300, labels: labels, using: &noise)
        let matched = zip(nearestCentres(samples, classes: 3), labels).filter { $0 == $1 }.count
        #expect(matched >= 270, "\(matched) of 300 samples lie nearest their label's cluster")
    }

    /// With the noise fixed, G's samples and D's scores change with the label, for the label
    /// joining D's input and for the projection discriminator.
    @Test(arguments: [false, true])
    func generatorAndDiscriminatorSeeTheLabel(projection: Bool) {
        var (configuration, _, _) = tinyAdversarial(.cgan, images: true)
        configuration.labelProjection = projection
        var random = SplitMix64(seed: 4)
        let model = AdversarialNetwork(configuration, using: &random)
        let noise = Tensor(randomNormal: [3, configuration.noiseDimension], using: &random)
        func samples(_ label: Int) -> Tensor {
            model.sample(input: Tensor.concatenate([noise, oneHot([label, label, label], classes: 3)], alongAxis: 1))
        }
        let difference = (samples(0) - samples(2)).abs().max().scalar
        #expect(difference > 1e-3, "G's samples for labels 0 and 2 differ by at most \(difference)")
        let images = samples(1)
        let scores = withoutGradients {
            (model.discriminator(images, labels: [0, 0, 0]) - model.discriminator(images, labels: [2, 2, 2]))
        }
        #expect(scores.abs().max().scalar > 1e-4, "D scores one image alike under labels 0 and 2")
    }

    /// The cgan recipe's generator on MNIST-sized images starts with samples that vary with
    /// the noise (BatchNorm between its layers): the ReLU MLP without it drew one grey image,
    /// pixel spread under 0.01, from which training collapsed to a single stroke.
    @Test func recipeGeneratorStartsDiverse() {
        let configuration = AdversarialConfiguration.recipe(.cgan, exampleShape: [1, 28, 28], classCount: 10)
        var random = SplitMix64(seed: 6)
        let model = AdversarialNetwork(configuration, using: &random)
        model.train()
        let (input, _) = model.generatorInput(count: 64, codes: GeneratorCodes(labels: Array(repeating: 3, count: 64)), using: &random)
        let samples = withoutGradients { model.toDataSpace(model.generator(input)) }.reshaped(to: [64, 784])
        let mean = samples.mean(alongAxis: 0)
        let spread = (samples - mean).squared().mean(alongAxis: 0).sqrt().mean().scalar
        #expect(spread > 0.1, "per-pixel standard deviation over the noise \(spread)")
    }

    /// One D step of a projection cgan lowers its loss on real examples with their labels
    /// against generated ones, and one G step lowers G's.
    @Test func projectionStepLowersEachLoss() throws {
        var (configuration, options, data) = tinyAdversarial(.cgan, images: true)
        configuration.labelProjection = true
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let losses = oneStepLosses(trainer)
        #expect(losses.discriminator.after < losses.discriminator.before)
        #expect(losses.generator.after < losses.generator.before)
        #expect(trainer.model.namedParameters.contains { $0.name == "discriminator.projection.weight" })
    }
}
