import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing
import TestSupport

@testable import LatentModels

/// A convolutional model on `[channels, side, side]` images, small enough for debug builds.
func convolutionalConfiguration(
    _ kind: VariationalKind = .vae, imageShape: [Int] = [1, 8, 8], likelihood: Likelihood = .bernoulli
) -> VariationalConfiguration {
    var configuration = VariationalConfiguration()
    configuration.kind = kind
    configuration.architecture = .convolutional
    configuration.convolutionWidth = 4
    configuration.imageShape = imageShape
    configuration.latentDimension = 2
    configuration.hidden = [16]
    configuration.likelihood = likelihood
    if kind == .cvae { configuration.classCount = 3 }
    return configuration
}

/// 96 8×8 images of three prototypes (a horizontal bar, a vertical bar, a square outline) with
/// a little noise, labelled by prototype.
func tinyImages(seed: UInt64 = 3) -> LatentData.Dataset {
    var generator = SplitMix64(seed: seed)
    let prototypes: [[Float]] = (0..<3).map { shape in
        (0..<64).map { pixel in
            let row = pixel / 8, column = pixel % 8
            switch shape {
            case 0: return (3...4).contains(row) ? 1 : 0
            case 1: return (3...4).contains(column) ? 1 : 0
            default: return [1, 6].contains(row) && (1...6).contains(column)
                || [1, 6].contains(column) && (1...6).contains(row) ? 1 : 0
            }
        }
    }
    var scalars: [Float] = [], labels: [Int] = []
    for index in 0..<96 {
        let label = index % 3
        labels.append(label)
        scalars += prototypes[label].map { generator.nextUnitFloat() < 0.03 ? 1 - $0 : $0 }
    }
    return Dataset(name: "bars", examples: Tensor(shape: [96, 1, 8, 8], scalars: scalars), labels: labels,
                   classCount: 3, valueRange: 0...1)
}

@Suite("Convolutional variational models")
struct VariationalConvolutionalTests {
    var generator = SplitMix64(seed: 11)

    /// MNIST-sized: two stride-2 convolutions 28 → 14 → 7 with 32 and 64 channels, the fully
    /// connected layers between 64·7·7 features and the code, and the mirror in the decoder.
    @Test mutating func layersFollowTheImageSize() {
        var configuration = VariationalConfiguration()
        configuration.architecture = .convolutional
        let model = VariationalAutoencoder(configuration, using: &generator)
        #expect(model.namedParameters.map(\.name) == [
            "encoder_front.layers.0.weight", "encoder_front.layers.0.bias",
            "encoder_front.layers.1.weight", "encoder_front.layers.1.bias",
            "encoder.layers.0.weight", "encoder.layers.0.bias", "encoder.layers.1.weight", "encoder.layers.1.bias",
            "decoder.layers.0.weight", "decoder.layers.0.bias", "decoder.layers.1.weight", "decoder.layers.1.bias",
            "decoder_end.layers.0.weight", "decoder_end.layers.0.bias",
            "decoder_end.layers.1.weight", "decoder_end.layers.1.bias",
        ])
        #expect(model.namedParameters.map(\.parameter.shape) == [
            [32, 1, 4, 4], [32], [64, 32, 4, 4], [64],
            [400, 3136], [400], [40, 400], [40],
            [400, 20], [400], [3136, 400], [3136],
            [64, 32, 4, 4], [32], [32, 1, 4, 4], [1],
        ])
        // 32×32 RGB halves three times to 4×4: 8, 16, 32 channels at width 8.
        var rgb = configuration
        rgb.imageShape = [3, 32, 32]
        rgb.convolutionWidth = 8
        let front = VariationalAutoencoder(rgb, using: &generator).encoderFront
        #expect(front?.layers.map(\.weight.shape) == [[8, 3, 4, 4], [16, 8, 4, 4], [32, 16, 4, 4]])
        #expect(front?.featureCount == 32 * 4 * 4)
    }

    /// Codes, decoder outputs and means have the shapes of the MLP model's; a learned-variance
    /// Gaussian decoder has a second block of channels for the log-variances.
    @Test(arguments: [Likelihood.bernoulli, .gaussianLearnedVariance])
    func shapesMatchTheFullyConnectedModel(likelihood: Likelihood) {
        var generator = SplitMix64(seed: 1)
        let model = VariationalAutoencoder(
            convolutionalConfiguration(imageShape: [3, 8, 8], likelihood: likelihood), using: &generator)
        let images = Tensor(randomUniform: [5, 3, 8, 8], using: &generator)
        let (mean, logVariance) = model.encode(images)
        #expect(mean.shape == [5, 2] && logVariance.shape == [5, 2])
        #expect(model.decode(mean).shape == [5, 192 * likelihood.outputsPerPixel])
        #expect(model.decodeMean(mean).shape == [5, 3, 8, 8])
        // The encoder reads flat rows as well as images.
        #expect(model.encode(images.reshaped(to: [5, 192])).mean.scalars == mean.scalars)
    }

    /// The gradient of the AE's loss (no sampling) with respect to the first convolution's
    /// filters against central differences, and gradients reach every layer of the model.
    @Test mutating func gradientsReachTheConvolutionsAndMatchFiniteDifferences() {
        let model = VariationalAutoencoder(convolutionalConfiguration(.ae), using: &generator)
        let images = tinyImages().examples.sliced(0..<4, alongAxis: 0)
        var unused = SplitMix64(seed: 0)
        let loss = model.objective(images, using: &unused).loss
        let gradients = loss.gradients(withRespectTo: model.parameters.map(\.value))
        for (named, gradient) in zip(model.namedParameters, gradients) {
            #expect(gradient.scalars.contains { $0 != 0 }, "no gradient reaches \(named.name)")
        }
        // Central differences on 16 filter entries, in Double around the Float losses.
        let filters = model.encoderFront!.layers[0].weight
        let analytic = gradients[0].scalars
        func lossValue(shifting element: Int, by offset: Float) -> Double {
            filters.updateInPlace { $0[element] += offset }
            defer { filters.updateInPlace { $0[element] -= offset } }
            var unused = SplitMix64(seed: 0)
            return Double(withoutGradients { model.objective(images, using: &unused).loss }.scalar)
        }
        for element in stride(from: 0, to: filters.value.scalarCount, by: 4) {
            let step: Float = 1e-2
            let numeric = (lossValue(shifting: element, by: step) - lossValue(shifting: element, by: -step)) / Double(2 * step)
            let error = abs(Double(analytic[element]) - numeric) / max(1, abs(numeric))
            #expect(error < 2e-2, "filter entry \(element): analytic \(analytic[element]), numeric \(numeric)")
        }
    }

    /// Every member of the family learns on the convolutional layers: the test loss after 30
    /// epochs is well below the untrained model's (by at least 20%).
    @Test(arguments: [VariationalKind.ae, .vae, .iwae, .cvae])
    func lossFalls(kind: VariationalKind) throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var options = VariationalTrainingOptions()
        options.epochs = 30
        options.batchSize = 16
        options.learningRate = 0.01
        options.sampleEvery = 0
        let data = tinyImages()
        let run = try VariationalTrainer(
            configuration: convolutionalConfiguration(kind), options: options, training: data, test: data,
            dataset: "bars", folder: RunFolder(creating: folder, resuming: false), resuming: false)
        let before = run.evaluate(on: data).negativeELBO
        let after = try run.run(quiet: true).test.negativeELBO
        #expect(after < 0.8 * before, "\(kind): \(before) → \(after)")
    }

    /// The conditional model's decoder sees the label: the same code decodes differently.
    @Test mutating func conditionalDecoderDependsOnTheLabel() {
        let model = VariationalAutoencoder(convolutionalConfiguration(.cvae), using: &generator)
        let codes = Tensor(shape: [2, 2], scalars: [0.3, -0.2, 0.3, -0.2])
        let means = model.decodeMean(codes, labels: [0, 2]).scalars
        #expect(means[0..<64] != means[64..<128])
    }

    /// The output bias starts at the logit of each channel's mean intensity.
    @Test mutating func outputBiasStartsAtEachChannelsMeanLogit() {
        let model = VariationalAutoencoder(convolutionalConfiguration(imageShape: [2, 8, 8]), using: &generator)
        let means = Tensor(shape: [128], scalars: (0..<128).map { $0 < 64 ? 0.25 : 0.5 })
        model.initializeOutputBias(pixelMeans: means)
        let bias = model.decoderEnd!.layers.last!.bias!.value.scalars
        #expect(Close.scalars(bias, [Float(log(0.25 / 0.75)), 0]))
    }

    /// The configuration round-trips through JSON, and a config.json written before the
    /// architecture was recorded reads as the fully connected model it describes.
    @Test func configurationsRoundTripAndOldOnesReadAsMLP() throws {
        let configuration = convolutionalConfiguration(.cvae)
        let decoded = try JSONDecoder().decode(
            VariationalConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(decoded == configuration)
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(VariationalConfiguration()))
            as! [String: Any]
        object.removeValue(forKey: "architecture")
        object.removeValue(forKey: "convolutionWidth")
        let old = try JSONDecoder().decode(
            VariationalConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old == VariationalConfiguration())
    }

    /// Settings older runs trained with and that are refused now read as what they trained:
    /// the score-function surrogate with one z, the iwae bound with the reparameterisation.
    @Test func olderEstimatorSettingsReadAsTrained() throws {
        func decoded(_ kind: VariationalKind, samples: Int) throws -> VariationalConfiguration {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(VariationalConfiguration()))
                as! [String: Any]
            object["kind"] = kind.rawValue
            object["estimator"] = "score-function"
            object["importanceSamples"] = samples
            return try JSONDecoder().decode(VariationalConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        }
        let vae = try decoded(.vae, samples: 5)
        #expect(vae.estimator == .scoreFunction && vae.importanceSamples == 1)
        let iwae = try decoded(.iwae, samples: 5)
        #expect(iwae.estimator == .reparameterization && iwae.importanceSamples == 5)
        try vae.validate()
        try iwae.validate()
    }

    /// Images whose side does not halve to 4–8 pixels, and 2-D points, are refused by name.
    @Test func unsuitableShapesAreRefused() {
        for shape in [[2], [1, 28, 30], [1, 6, 6]] {
            var configuration = convolutionalConfiguration()
            configuration.imageShape = shape
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
        }
        #expect(throws: Never.self) { try convolutionalConfiguration(imageShape: [3, 32, 32]).validate() }
    }
}
