import Foundation
import LatentData
import LatentNN
import LatentTensor
import TestSupport
import Testing

@testable import LatentModels

/// A tiny setup of `kind`: 2-D points (labelled 0, 1, 2 by angle) or 8×8 grey images, MLPs of
/// 16 units, convolutions of width 4, batches of 16, step size 1e-4.
func tinyAdversarial(_ kind: AdversarialKind, images: Bool = false)
    -> (AdversarialConfiguration, AdversarialTrainingOptions, Dataset)
{
    var random = SplitMix64(seed: 21)
    let shape = images ? [1, 8, 8] : [2]
    var configuration = AdversarialConfiguration.recipe(kind, exampleShape: shape, classCount: 3)
    configuration.generatorHidden = [16, 16]
    configuration.discriminatorHidden = [16, 16]
    configuration.width = 4
    configuration.noiseDimension = 4
    configuration.dropout = 0
    configuration.packing = nil
    // The kind's image recipe, scaled down below: not the 2-D `gan` recipe's 12,000 steps.
    var options = AdversarialTrainingOptions.recipe(kind, exampleShape: [1, 28, 28])
    options.batchSize = 16
    options.learningRate = 1e-4
    options.logEvery = 1
    options.sampleEvery = 0
    options.checkpointEvery = 0
    let examples = images
        ? Tensor(randomUniform: [32, 1, 8, 8], using: &random)
        : (try! ToyDistribution(parsing: "ring8")).sample(count: 32, using: &random)
    let labels = (0..<32).map { $0 % 3 }
    let data = Dataset(name: "tiny", examples: examples, labels: labels, classCount: 3, valueRange: 0...1)
    return (configuration, options, data)
}

func adversarialTrainer(
    _ configuration: AdversarialConfiguration, _ options: AdversarialTrainingOptions, _ data: Dataset,
    folder: String = TemporaryFolder.path("test"), resuming: Bool = false
) throws -> AdversarialTrainer {
    try AdversarialTrainer(
        configuration: configuration, options: options, training: data, dataset: "tiny",
        folder: RunFolder(creating: folder, resuming: resuming), resuming: resuming)
}

/// D's loss before and after one D step, then G's before and after one G step, on the
/// trainer's first batch with fixed noise, and the G step's gradient norm.
struct OneStepLosses {
    var discriminator: (before: Float, after: Float)
    var generator: (before: Float, after: Float)
    var generatorGradientNorm: Float
}

/// Takes one D step and one G step and reports each loss around its step; `warmup` evaluations
/// of D's loss come first (they run spectral normalisation's power iteration to convergence).
func oneStepLosses(_ trainer: AdversarialTrainer, warmup: Int = 0) -> OneStepLosses {
    let (real, labels) = trainer.realBatch(0)
    var random = SplitMix64(seed: 9)
    let (input, codes) = trainer.model.generatorInput(
        count: real.shape[0], codes: GeneratorCodes(labels: labels), using: &random)
    let fake = withoutGradients { trainer.model.generator(input) }
    func discriminatorLoss() -> Tensor {
        var alpha = SplitMix64(seed: 4)
        return trainer.discriminatorObjective(real: real, labels: labels, fake: fake, codes: codes, using: &alpha).total
    }
    func generatorLoss() -> Tensor {
        trainer.generatorObjective(input: input, codes: codes, real: real, labels: labels).total
    }
    for _ in 0..<warmup { _ = discriminatorLoss() }
    let before = discriminatorLoss()
    trainer.updateDiscriminator(before)
    let after = discriminatorLoss().scalar
    let generatorBefore = generatorLoss()
    let norm = trainer.updateGenerator(generatorBefore)
    return OneStepLosses(
        discriminator: (before.scalar, after), generator: (generatorBefore.scalar, generatorLoss().scalar),
        generatorGradientNorm: norm)
}

@Suite("GAN trainer")
struct GANTrainerTests {
    /// One discriminator step and one generator step of every model lower their own loss on
    /// the same batch (the spectral norm's power iteration is run to convergence first).
    @Test(arguments: [
        (AdversarialKind.gan, false), (.gan, true), (.dcgan, true), (.wgan, false), (.wganGP, false),
        (.sngan, false), (.cgan, false), (.infogan, false), (.infogan, true),
    ])
    func oneStepLowersEachLoss(kind: AdversarialKind, images: Bool) throws {
        var (configuration, options, data) = tinyAdversarial(kind, images: images)
        options.featureMatching = kind == .cgan  // covers the feature-matching objective too
        let trainer = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let losses = oneStepLosses(trainer, warmup: configuration.spectralNorm ? 40 : 0)
        #expect(losses.discriminator.after < losses.discriminator.before, "\(kind) D: \(losses.discriminator)")
        #expect(losses.generatorGradientNorm > 0)
        #expect(losses.generator.after < losses.generator.before, "\(kind) G: \(losses.generator)")
    }

    /// A small GAN on ring8-like data pulls its samples onto the ring: the mean distance from
    /// a sample to its nearest mode falls to under half its starting value in 600 steps.
    @Test func samplesMoveTowardTheModes() throws {
        let ring = try RingGAN()
        let trainer = try adversarialTrainer(ring.configuration, ring.options, ring.data)
        defer { try? FileManager.default.removeItem(at: trainer.folder.url) }
        let before = ring.meanDistance(of: trainer.model)
        try trainer.run(quiet: true)
        let after = ring.meanDistance(of: trainer.model)
        #expect(after < 0.5 * before, "mean distance to the nearest mode \(before) → \(after)")
    }

    /// A run stopped after 3 steps and resumed to 6 ends with the same weights as 6 steps in
    /// one go; the metrics carry the WGAN-GP telemetry; the run folder loads and samples.
    @Test func resumesExactlyAndLoads() throws {
        var (configuration, options, data) = tinyAdversarial(.wganGP)
        options.steps = 6
        let straight = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: straight.folder.url) }
        try straight.run(quiet: true)

        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var firstHalf = options
        firstHalf.steps = 3
        try adversarialTrainer(configuration, firstHalf, data, folder: folder).run(quiet: true)
        let resumed = try adversarialTrainer(configuration, options, data, folder: folder, resuming: true)
        #expect(resumed.step == 3)
        try resumed.run(quiet: true)
        for (a, b) in zip(straight.model.parameters, resumed.model.parameters) {
            #expect(a.value.scalars == b.value.scalars)
        }

        let records = MetricsLog.read(straight.folder.metricsURL)
        #expect(records.count == 6)
        for key in ["d_loss", "g_loss", "d_real", "d_fake", "wasserstein", "gp_norm", "g_grad_norm"] {
            #expect(records.last?[key] is Double, "metrics.jsonl lacks \(key)")
        }
        for file in ["scatter.png", "samples.npy", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: straight.folder.file(file).path), "no \(file)")
        }

        let loaded = try AdversarialNetwork.load(run: straight.folder.url.path)
        var a = SplitMix64(seed: 1), b = SplitMix64(seed: 1)
        #expect(loaded.sample(count: 5, using: &a).scalars == straight.model.sample(count: 5, using: &b).scalars)
    }

    /// With a weight average, the saved average carries BatchNorm statistics of its own weights
    /// (not the generator's copied ones), the same after a resume, and samples use them.
    @Test func theWeightAverageGetsItsOwnBatchNormStatistics() throws {
        var (configuration, options, data) = tinyAdversarial(.dcgan, images: true)
        configuration.averagesGenerator = true
        options.averageDecay = 0.5
        options.learningRate = 1e-2
        options.steps = 4
        let straight = try adversarialTrainer(configuration, options, data)
        defer { try? FileManager.default.removeItem(at: straight.folder.url) }
        try straight.run(quiet: true)
        let model = straight.model
        let average = try #require(model.generatorAverage)
        let saved = average.namedBuffers.map { $0.buffer.value.scalars }
        let copied = model.generator.namedBuffers.map { $0.buffer.value.scalars }
        #expect(saved != copied, "the average kept the generator's statistics")
        // A fresh estimate from other noise lands near the saved one (16 batches of 128 each).
        model.reestimateAverageStatistics(seed: 99)
        for (mine, fresh) in zip(saved, average.namedBuffers.map { $0.buffer.value.scalars }) {
            for (a, b) in zip(mine, fresh) { #expect(abs(a - b) <= 0.05 * max(1, abs(a))) }
        }

        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var firstHalf = options
        firstHalf.steps = 2
        try adversarialTrainer(configuration, firstHalf, data, folder: folder).run(quiet: true)
        let resumed = try adversarialTrainer(configuration, options, data, folder: folder, resuming: true)
        #expect(resumed.changedOnResume.isEmpty, "only the step count changed: \(resumed.changedOnResume)")
        try resumed.run(quiet: true)
        #expect(resumed.model.generatorAverage!.namedBuffers.map { $0.buffer.value.scalars } == saved)

        // Resuming a finished run takes no step and reports no telemetry (not NaNs).
        let again = try adversarialTrainer(configuration, options, data, folder: folder, resuming: true)
        let summary = try again.run(quiet: true)
        #expect(summary.steps == 4 && summary.stepsTaken == 0 && summary.lastFields.isEmpty)
        #expect(again.model.generatorAverage!.namedBuffers.map { $0.buffer.value.scalars } == saved)
    }

    /// A resume with another step size names the change and records it in config.json.
    @Test func resumeNamesChangedTrainingOptions() throws {
        let (configuration, options, data) = tinyAdversarial(.gan, images: false)
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var first = options
        first.steps = 1
        try adversarialTrainer(configuration, first, data, folder: folder).run(quiet: true)
        var changed = options
        changed.steps = 2
        changed.learningRate = options.learningRate * 2
        let resumed = try adversarialTrainer(configuration, changed, data, folder: folder, resuming: true)
        #expect(resumed.changedOnResume.count == 1)
        #expect(resumed.changedOnResume.first?.hasPrefix("learningRate: ") == true)
        let recorded = try RunFolder(creating: folder, resuming: true).readConfiguration()
        #expect(recorded.adversarialTraining?.learningRate == changed.learningRate)
    }

    /// Images come back in [0, 1] and the data's layout, whatever the generator's range.
    @Test func imageSamplesAreInTheDataRange() throws {
        let (configuration, _, _) = tinyAdversarial(.dcgan, images: true)
        var random = SplitMix64(seed: 3)
        let model = AdversarialNetwork(configuration, using: &random)
        let samples = model.sample(count: 4, using: &random)
        #expect(samples.shape == [4, 1, 8, 8])
        #expect(samples.scalars.allSatisfy { (0...1).contains($0) })
    }

    /// Many samples are generated in batches of 1,000 with the same values as one at a time
    /// would give (evaluation mode: BatchNorm's running statistics, rows independent).
    @Test func manySamplesComeInBatchesWithTheSameValues() throws {
        let (configuration, _, _) = tinyAdversarial(.dcgan, images: true)
        var random = SplitMix64(seed: 4)
        let model = AdversarialNetwork(configuration, using: &random)
        let input = model.generatorInput(count: 2300, using: &random).input
        let all = model.sample(input: input)
        #expect(all.shape == [2300, 1, 8, 8])
        for rows in [0..<3, 998..<1003, 2297..<2300] {
            let alone = model.sample(input: input.sliced(rows, alongAxis: 0))
            #expect(alone.scalars == all.sliced(rows, alongAxis: 0).scalars, "rows \(rows)")
        }
    }

    /// Settings that cannot work are refused with the option to fix.
    @Test func refusesInconsistentSettings() {
        var configuration = AdversarialConfiguration.recipe(.wganGP, exampleShape: [2])
        configuration.loss = .minimax
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = AdversarialConfiguration.recipe(.dcgan, exampleShape: [1, 27, 27])
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration = AdversarialConfiguration.recipe(.cgan, exampleShape: [2], classCount: 0)
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}

/// A plain GAN (MLPs of 32, Adam 2e-3, batches of 64, 600 steps, no packing or average) on 512
/// points of ring8, and how far its samples lie from the ring's modes.
struct RingGAN {
    let data: Dataset
    let mixture: GaussianMixture2D
    var configuration = AdversarialConfiguration.recipe(.gan, exampleShape: [2])
    var options = AdversarialTrainingOptions.recipe(.gan, exampleShape: [1, 28, 28])  // the paper's

    init() throws {
        var random = SplitMix64(seed: 2)
        let ring = try ToyDistribution(parsing: "ring8")
        mixture = ring.mixture!
        data = Dataset(name: "ring8", examples: ring.sample(count: 512, using: &random), valueRange: -1...1)
        configuration.generatorHidden = [32, 32]
        configuration.discriminatorHidden = [32, 32]
        configuration.noiseDimension = 4
        configuration.packing = nil  // the plain GAN, without the 2-D recipe's packing and average
        configuration.averagesGenerator = false
        options.optimizer = .adam
        options.learningRate = 2e-3
        options.batchSize = 64
        options.steps = 600
        options.logEvery = 100
        options.sampleEvery = 0
        options.checkpointEvery = 0
    }

    /// The mean distance from 400 of `model`'s samples (fixed noise) to their nearest mode.
    func meanDistance(of model: AdversarialNetwork) -> Double {
        var noise = SplitMix64(seed: 77)
        let samples = model.sample(count: 400, using: &noise).scalars
        let distances = (0..<400).map {
            mixture.nearestCentre(to: SIMD2(Double(samples[2 * $0]), Double(samples[2 * $0 + 1]))).distance
        }
        return distances.reduce(0, +) / 400
    }
}
