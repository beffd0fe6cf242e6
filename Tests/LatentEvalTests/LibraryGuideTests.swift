import Foundation
import LatentData
import LatentEval
import LatentModels
import LatentNN
import LatentOptimizers
import LatentTensor
import Testing

// The code of docs/library.md, run. `guideMatchesThisFile` checks that every Swift block of the
// page appears here line for line (string literals aside: the paths here are temporary folders).

/// The repository's root, for `Models/` and `docs/`.
private let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class Autoencoder: Layer {
    let encoder: Sequential
    let decoder: Sequential

    init(code: Int, using random: inout some RandomNumberGenerator) {
        encoder = Sequential(
            Flatten(), Linear(inputFeatures: 784, outputFeatures: 256, using: &random), ReLU(),
            Linear(inputFeatures: 256, outputFeatures: code, using: &random))
        decoder = Sequential(
            Linear(inputFeatures: code, outputFeatures: 256, using: &random), ReLU(),
            Linear(inputFeatures: 256, outputFeatures: 784, using: &random), Unflatten(shape: [1, 28, 28]))
    }

    // The parameter names (`encoder.1.weight`, …) follow from the children.
    var children: [(name: String, module: any Module)] { [("encoder", encoder), ("decoder", decoder)] }

    /// Logits of the reconstruction, shaped like the images.
    func callAsFunction(_ images: Tensor) -> Tensor { decoder(encoder(images)) }
}

/// Trains `model` to reconstruct `data`; returns each epoch's mean loss in nats per image.
func train(_ model: Autoencoder, on data: Dataset, epochs: Int) -> [Float] {
    let loader = DataLoader(dataset: data, batchSize: 128, seed: 1)
    let optimizer = Adam(learningRate: 1e-3)
    var losses: [Float] = []
    for epoch in 0..<epochs {
        var total: Float = 0
        for batch in loader.batches(epoch: epoch) {
            let images = batch.examples
            let count = Float(images.shape[0])
            let loss = binaryCrossEntropy(logits: model(images), labels: images, reduction: .sum) / count
            optimizer.update(model.parameters, with: loss.gradients(withRespectTo: model.parameters.map(\.value)))
            total += loss.scalar * count
        }
        losses.append(total / Float(data.count))
    }
    return losses
}

/// One step of each player of the non-saturating GAN (Goodfellow et al. 2014): the
/// discriminator on a batch of data and one of samples, then the generator through it.
/// Returns the two losses.
func adversarialStep(
    generator: Sequential, discriminator: Sequential, data: ToyDistribution,
    optimizers: (generator: Adam, discriminator: Adam), using random: inout SplitMix64
) -> (discriminator: Float, generator: Float) {
    let batch = 256
    let real = data.sample(count: batch, using: &random)
    let fake = withoutGradients { generator(Tensor(randomNormal: [batch, 8], using: &random)) }
    // -log D(x) - log(1 - D(G(z))) with D = sigmoid(logit): softplus(-logit) + softplus(logit).
    let dLoss = (-discriminator(real)).softplus().mean() + discriminator(fake).softplus().mean()
    optimizers.discriminator.update(
        discriminator.parameters, with: dLoss.gradients(withRespectTo: discriminator.parameters.map(\.value)))

    // -log D(G(z)); only the generator's parameters are updated.
    let gLoss = (-discriminator(generator(Tensor(randomNormal: [batch, 8], using: &random)))).softplus().mean()
    optimizers.generator.update(
        generator.parameters, with: gLoss.gradients(withRespectTo: generator.parameters.map(\.value)))
    return (dLoss.scalar, gLoss.scalar)
}

@Suite("The library guide (docs/library.md)", .serialized)
struct LibraryGuideTests {
    @Test func tensorsAndGradients() {
        var random = SplitMix64(seed: 0)
        let weight = Tensor(randomNormal: [3, 2], using: &random).requiringGradient()
        let input = Tensor(shape: [4, 3], scalars: (0..<12).map(Float.init))
        let loss = input.matmul(weight).relu().squared().mean()
        let weightGradient = loss.gradients(withRespectTo: [weight])[0]  // shaped like weight

        let x = Tensor([0.5, -1]).requiringGradient()
        let slope = (x * x * x).sum().gradients(withRespectTo: [x], createsGraph: true)[0]  // 3x²
        let curvature = slope.sum().gradients(withRespectTo: [x])[0]  // 6x

        #expect(loss.scalar.isFinite && weightGradient.shape == [3, 2])
        #expect(slope.scalars == [0.75, 3])
        #expect(curvature.scalars == [3, -6])
    }

    @Test func aModelOfYourOwn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-guide-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let here = folder.path

        var random = SplitMix64(seed: 0)
        let mnist = try MNIST.load(.train)
        let model = Autoencoder(code: 16, using: &random)
        let losses = train(model, on: mnist.subset(0..<2000), epochs: 2)
        try Checkpoint.save(model, to: URL(fileURLWithPath: "\(here)/autoencoder.safetensors"))

        let copy = Autoencoder(code: 16, using: &random)
        try Checkpoint.load(into: copy, from: URL(fileURLWithPath: "\(here)/autoencoder.safetensors"))

        #expect(losses.count == 2 && losses[1] < losses[0], "\(losses)")
        #expect(losses[1] < 260, "\(losses)")  // 402, then 228; 543.4 (784 log 2) untrained
        let images = mnist.subset(0..<8).examples
        #expect(copy(images).scalars == model(images).scalars)
        #expect(model.namedParameters.map(\.name).first == "encoder.1.weight")
    }

    @Test func latentsModelsFromSwift() throws {
        let here = FileManager.default.temporaryDirectory.appendingPathComponent("latent-guide-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: here) }
        let root = repository.path

        var options = VariationalTrainingOptions()  // PyTorch's examples/vae, as `latent train vae`
        options.epochs = 1
        options.trainingLimit = 2000
        options.testLimit = 500
        let trainer = try VariationalTrainer(
            configuration: VariationalConfiguration(), options: options,
            training: try MNIST.load(.train), test: try MNIST.load(.test), dataset: "mnist",
            folder: try RunFolder(creating: "\(here)/runs/my-vae", resuming: false), resuming: false)
        let summary = try trainer.run(quiet: true)  // quiet: false shows the progress bar
        #expect(summary.test.negativeELBO < 300, "\(summary.test.negativeELBO)")

        let run = try TrainedRun(path: "\(here)/runs/my-vae")
        guard case .variational(let vae) = run.model else { throw RunError("not a VAE: \(run.configuration.model)") }
        var random = SplitMix64(seed: 7)
        let samples = VariationalPictures.samples(model: vae, count: 64, labels: nil, temperature: 1, using: &random)
        try ImageGrid.render(samples).write(to: "\(here)/samples.png")
        let test = try MNIST.load(.test).subset(0..<100)
        let logLikelihood = MeanEstimate(of: ImportanceSampledLikelihood.estimate(vae, on: test, samples: 100))
        #expect(samples.shape == [64, 1, 28, 28])
        #expect(FileManager.default.fileExists(atPath: "\(here)/samples.png"))
        #expect(logLikelihood.mean < 0 && logLikelihood.mean > -300 && logLikelihood.standardError > 0)

        guard case .classifier(let classifier) = try TrainedRun(path: "\(root)/Models/mnist-classifier").model else {
            throw RunError("not a classifier")
        }
        let generated = ClassifierFeatures.extract(classifier, from: samples)
        let real = ClassifierFeatures.extract(classifier, from: test.examples)
        let frechet = FrechetDistance.distance(between: real.features, and: generated.features)
        let score = ClassifierScore.score(logits: generated.logits)
        #expect(frechet > 0 && frechet.isFinite)
        #expect(score >= 1 && score <= 10)
    }

    @Test func latentsGANsFromSwift() throws {
        let here = FileManager.default.temporaryDirectory.appendingPathComponent("latent-guide-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: here) }

        let ring = try DataSource(parsing: "toy:ring8").load(.train)  // 50,000 points
        let ganConfiguration = AdversarialConfiguration.recipe(.gan, exampleShape: ring.exampleShape)
        var ganOptions = AdversarialTrainingOptions.recipe(for: ganConfiguration)  // the same shape's recipe
        ganOptions.steps = 200  // the recipe: 12,000
        let ganTrainer = try AdversarialTrainer(
            configuration: ganConfiguration, options: ganOptions,
            training: ring, dataset: "toy:ring8",
            folder: try RunFolder(creating: "\(here)/runs/my-gan", resuming: false), resuming: false)
        let ganSummary = try ganTrainer.run(quiet: true)
        guard case .adversarial(let gan) = try TrainedRun(path: "\(here)/runs/my-gan").model else { throw RunError("not a GAN") }
        var noise = SplitMix64(seed: 7)
        let points = gan.sample(count: 2500, using: &noise)  // [2500, 2], from the weight average

        #expect(ganSummary.steps == 200 && ganSummary.last.fields.allSatisfy { $0.1.isFinite })
        #expect(points.shape == [2500, 2])
        #expect(gan.configuration.packing == 2 && gan.configuration.averagesGenerator)
        #expect(FileManager.default.fileExists(atPath: "\(here)/runs/my-gan/scatter.png"))
    }

    @Test func anAdversarialPairOfYourOwn() throws {
        let here = FileManager.default.temporaryDirectory.appendingPathComponent("latent-guide-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: here, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: here) }
        /// Mean distance of points `[N, 2]` from the unit circle, the ring's radius.
        func offRing(_ points: Tensor) -> Float { (points.squared().sum(alongAxis: 1).sqrt() - 1).abs().mean().scalar }

        var random = SplitMix64(seed: 0)
        let generator = Sequential(
            Linear(inputFeatures: 8, outputFeatures: 128, using: &random), ReLU(),
            Linear(inputFeatures: 128, outputFeatures: 128, using: &random), ReLU(),
            Linear(inputFeatures: 128, outputFeatures: 2, using: &random))
        let discriminator = Sequential(
            Linear(inputFeatures: 2, outputFeatures: 128, using: &random), ReLU(),
            Linear(inputFeatures: 128, outputFeatures: 128, using: &random), ReLU(),
            Linear(inputFeatures: 128, outputFeatures: 1, using: &random))
        let optimizers = (generator: Adam(learningRate: 1e-3, beta1: 0.5), discriminator: Adam(learningRate: 1e-3, beta1: 0.5))
        let ring = try ToyDistribution(parsing: "ring8")
        let untrained = withoutGradients { generator(Tensor(randomNormal: [2500, 8], using: &random)) }
        var losses: [(discriminator: Float, generator: Float)] = []
        for _ in 0..<300 {
            losses.append(adversarialStep(generator: generator, discriminator: discriminator, data: ring, optimizers: optimizers, using: &random))
        }
        let samples = withoutGradients { generator(Tensor(randomNormal: [2500, 8], using: &random)) }
        try ScatterPlot.comparing(data: ring.sample(count: 2500, using: &random), samples: samples).write(to: "\(here)/ring.png")
        let coverage = ModeCoverage.measure(samples, mixture: ring.mixture!)  // VEEGAN's modes and high-quality share

        #expect(offRing(untrained) > 0.6, "\(offRing(untrained))")  // 0.85: the untrained G's cloud at the origin
        #expect(offRing(samples) < 0.35, "\(offRing(samples))")  // 0.18
        #expect(losses.allSatisfy { $0.discriminator.isFinite && $0.generator.isFinite })
        #expect(coverage.modeCount == 8)
        #expect(FileManager.default.fileExists(atPath: "\(here)/ring.png"))
    }

    /// Every Swift block of docs/library.md but the manifest appears in this file, line for
    /// line, ignoring indentation, blank lines, comments and the contents of string literals.
    @Test func guideMatchesThisFile() throws {
        let guide = try String(contentsOf: repository.appendingPathComponent("docs/library.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let blocks = guide.components(separatedBy: "```swift\n").dropFirst()
            .map { $0.components(separatedBy: "```")[0] }
            .filter { !$0.contains("PackageDescription") }
        #expect(blocks.count >= 5)
        let sourceLines = Self.normalized(source)
        for block in blocks {
            let lines = Self.normalized(block)
            let found = sourceLines.indices.contains { start in
                start + lines.count <= sourceLines.count
                    && Array(sourceLines[start..<start + lines.count]) == lines
            }
            #expect(found, "docs/library.md block not in LibraryGuideTests.swift:\n\(block)")
        }
    }

    /// Lines without indentation, comments or string contents; blank lines dropped.
    static func normalized(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            var code = line.replacing(/"[^"]*"/, with: "\"\"")
            if let comment = code.firstRange(of: "//") { code = code[..<comment.lowerBound] + "" }
            let trimmed = code.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
    }
}
