import ArgumentParser
import Foundation
import LatentData
import LatentEval
import LatentModels
import LatentTensor

/// The measures `latent eval` knows.
enum MetricName: String, CaseIterable, ExpressibleByArgument {
    case elbo, nll
    case activeUnits = "active-units"
    case klPerDimension = "kl-per-dim"
    case gradientVariance = "gradient-variance"
    case parzen, frechet
    case classifierScore = "classifier-score"
    case precisionRecall = "precision-recall"
    case densityCoverage = "density-coverage"
    case labelAccuracy = "label-accuracy"
    case codeAccuracy = "code-accuracy"
    case modes, accuracy
    case nearestNeighbours = "nearest-neighbours"

    var summary: String {
        switch self {
        case .elbo: return "test negative ELBO and its terms (latent-variable models)"
        case .nll: return "importance-sampled NLL with k = --importance-samples, nats and bits/dim (latent-variable models)"
        case .activeUnits: return "latent dimensions with Var_x E_q[z_u] > 0.01 (latent-variable models)"
        case .klPerDimension: return "KL(q‖p) per latent dimension, averaged over the test set"
        case .gradientVariance: return "encoder gradient variance, score-function vs reparameterisation, on one minibatch"
        case .parzen: return "Parzen-window log-likelihood of the test set (Goodfellow et al. 2014 protocol)"
        case .frechet: return "Fréchet distance of MNIST-classifier features, samples vs test set"
        case .classifierScore: return "exp(E KL(p(y|x) ‖ p(y))) of samples under the MNIST classifier"
        case .precisionRecall: return "precision and recall in classifier-feature space, k = 3 (Kynkäänniemi et al. 2019)"
        case .densityCoverage: return "density and coverage in classifier-feature space, k = 5 (Naeem et al. 2020): about 1 and 0.97 for real data"
        case .labelAccuracy: return "fraction of conditional samples classified as their label"
        case .codeAccuracy: return "InfoGAN: classifier accuracy of samples per categorical code, best code-to-class assignment"
        case .modes: return "modes covered, high-quality fraction, reverse KL, exact log-density (2-D toys)"
        case .accuracy: return "test accuracy (classifiers)"
        case .nearestNeighbours: return "picture: 16 samples, each beside its 5 nearest training images (memorisation)"
        }
    }
}

/// `latent eval`: measures a trained run (or real data, as a calibration floor).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run (or, with --real, the data itself) on its test set.",
        discussion: "Metrics:\n" + MetricName.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))

    @Option(name: .customLong("run"), help: "The run folder of a trained model.")
    var runFolder: String?

    @Option(help: "Evaluate real data instead of a model: training images stand in for samples (calibration).")
    var real: String?

    @Option(help: "Comma-separated metrics (default: elbo for latent-variable models, accuracy for classifiers, frechet,classifier-score for others).",
            transform: EvalCommand.metricList)
    var metrics: [MetricName]?

    @Option(help: "Generated samples for sample-based metrics (Parzen, Fréchet, scores, modes).")
    var samples: Int = 10_000

    @Option(help: "Importance samples per test image for nll.")
    var importanceSamples: Int = 5000

    @Option(help: "Evaluate on only the first N test examples.")
    var testLimit: Int?

    @Option(help: "Write per-example values (log p(x) for nll) to this .npy file.")
    var perExample: String?

    @Option(help: "Neighbourhood size k of precision/recall's k-nearest-neighbour manifolds (Kynkäänniemi et al. 2019 use 3).")
    var neighbours: Int = 3

    @Option(help: "Run folder of the classifier whose features are used (default: the shipped Models/mnist-classifier).")
    var classifier: String?

    @Option(help: "Folder holding the dataset files.")
    var dataDir: String?

    @Option(help: "Seed of the sampling noise.")
    var seed: UInt64 = 1

    @Option(help: "Scale of the prior's noise for sample-based metrics (below 1: a VAE's narrower prior, a GAN's truncation trick; 1: the model as trained).")
    var temperature: Float = 1

    @Option(help: "Adversarial models: keep this fraction (0.01 to 1) of noise draws, those where the generator's Jacobian norm is smallest (Jacobian-based truncation, Tanielian et al. 2020; 1: every draw).")
    var jacobianKeep: Float = 1

    @Flag(help: "Print the result as one JSON object on the last line.")
    var json = false

    /// " at temperature ψ" and the Jacobian truncation for a protocol string, or nothing for
    /// the model's own prior.
    var samplingPhrase: String {
        (temperature == 1 ? "" : " at temperature \(temperature)")
            + (jacobianKeep == 1 ? "" : ", keeping the fraction \(jacobianKeep) of noise draws with the smallest ‖∂G/∂z‖_F,")
    }

    static func metricList(_ text: String) throws -> [MetricName] {
        try text.split(separator: ",").map { name in
            guard let metric = MetricName(rawValue: String(name).trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown metric '\(name)'; known: \(MetricName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return metric
        }
    }

    func validate() throws {
        guard (runFolder == nil) != (real == nil) else { throw ValidationError("give exactly one of --run and --real.") }
        guard samples > 0, importanceSamples > 0 else { throw ValidationError("--samples and --importance-samples must be positive.") }
        guard neighbours > 0 else { throw ValidationError("--neighbours must be positive.") }
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be positive.") }
        if temperature != 1 && real != nil { throw ValidationError("--temperature is for a model's samples, not --real data.") }
        guard jacobianKeep >= 0.01 && jacobianKeep <= 1 else { throw ValidationError("--jacobian-keep must be in [0.01, 1].") }
        if jacobianKeep != 1 && real != nil { throw ValidationError("--jacobian-keep is for a model's samples, not --real data.") }
        if let testLimit, testLimit <= 0 { throw ValidationError("--test-limit must be positive.") }
        if let perExample, !perExample.hasSuffix(".npy") { throw ValidationError("--per-example must name a .npy file.") }
    }

    func run() throws {
        try reportingErrors("eval") {
            var report = EvaluationReport()
            if let real {
                try evaluateReal(real, into: &report)
            } else {
                try evaluateRun(runFolder!, into: &report)
            }
            print(report.table)
            if json { print(report.json) }
        }
    }

    // MARK: - Runs

    private func evaluateRun(_ path: String, into report: inout EvaluationReport) throws {
        let trained = try TrainedRun(path: path)
        if jacobianKeep != 1 {
            guard case .adversarial = trained.model else {
                throw RunError("--jacobian-keep truncates a generator's noise; \(path) holds a \(trained.configuration.model)")
            }
        }
        let source = try DataSource(parsing: trained.configuration.dataset)
        var test = try source.load(.test, dataDirectory: dataDir)
        if let testLimit { test = test.subset(0..<min(testLimit, test.count)) }
        let defaults: [MetricName]
        switch trained.model {
        case .variational: defaults = [.elbo]
        case .classifier: defaults = [.accuracy]
        case .adversarial: defaults = isImages(test) ? [.frechet, .classifierScore] : [.modes]
        }
        let context = EvaluationContext(trained: trained, source: source, test: test, command: self)
        for metric in metrics ?? defaults {
            try context.measure(metric, into: &report)
        }
    }

    private func evaluateReal(_ specification: String, into report: inout EvaluationReport) throws {
        let source = try DataSource(parsing: specification)
        var test = try source.load(.test, dataDirectory: dataDir)
        if let testLimit { test = test.subset(0..<min(testLimit, test.count)) }
        let training = try source.load(.train, dataDirectory: dataDir)
        let count = min(samples, training.count)
        let stand = training.examples.sliced(0..<count, alongAxis: 0)
        let onWhat = "\(count) training images of \(specification) standing in for samples, against \(test.count) test images"
        for metric in metrics ?? (isImages(test) ? [.frechet, .classifierScore, .precisionRecall, .densityCoverage] : [.modes]) {
            // The score of real data is the test set's own (the calibration the docs quote).
            let scoresTest = metric == .classifierScore
            try SampleMetrics(command: self, test: test, source: source).measure(
                metric, samples: scoresTest ? test.examples : stand,
                labels: scoresTest ? test.labels : training.labels.map { Array($0[0..<count]) },
                onWhat: scoresTest ? "the \(test.count) test images of \(specification)" : onWhat, into: &report)
        }
    }
}

func isImages(_ data: Dataset) -> Bool { data.exampleShape.count == 3 }

/// Samples drawn once and shared by the metrics of one evaluation.
private final class SampleCache {
    var value: (Tensor, [Int]?)?
}

/// Measures one trained run.
private struct EvaluationContext {
    let trained: TrainedRun
    let source: DataSource
    let test: Dataset
    let command: EvalCommand
    /// The model's samples, drawn once for every sample-based metric (they share the seed).
    private let drawn = SampleCache()

    init(trained: TrainedRun, source: DataSource, test: Dataset, command: EvalCommand) {
        self.trained = trained
        self.source = source
        self.test = test
        self.command = command
    }

    func measure(_ metric: MetricName, into report: inout EvaluationReport) throws {
        switch metric {
        case .elbo, .nll, .activeUnits, .klPerDimension, .gradientVariance:
            let model = try trained.variationalModel(for: "--metrics \(metric.rawValue)")
            let data = try VariationalProtocol.testSet(test, for: trained.configuration)
            try measureVariational(metric, model, on: data, into: &report)
        case .accuracy:
            guard case .classifier(let model) = trained.model else {
                throw RunError("--metrics accuracy needs a classifier; \(trained.folder.url.path) holds a \(trained.configuration.model)")
            }
            report.record("test_accuracy", .number(Double(ClassifierEvaluation.accuracy(model, on: test))),
                          protocol: "\(test.count) \(trained.configuration.dataset) test images")
        case .nearestNeighbours:
            guard isImages(test) else { throw RunError("--metrics nearest-neighbours needs image data") }
            var generator = SplitMix64(seed: command.seed).derived(0x99)
            let samples: Tensor
            switch trained.model {
            case .variational(let model):
                let labels = model.configuration.isConditional ? (0..<16).map { $0 % model.configuration.classCount } : nil
                samples = VariationalPictures.samples(
                    model: model, count: 16, labels: labels, temperature: command.temperature, using: &generator)
            case .adversarial(let model):
                let labels = model.configuration.classCount > 0 ? (0..<16).map { $0 % model.configuration.classCount } : nil
                samples = model.sample(count: 16, labels: labels, temperature: command.temperature,
                                       jacobianKeep: command.jacobianKeep, using: &generator)
            case .classifier:
                throw RunError("--metrics nearest-neighbours needs a generative model")
            }
            let training = try source.load(.train, dataDirectory: command.dataDir)
            let neighbours = NearestNeighbours.indices(of: samples, in: training.examples, count: 5)
            let rows = (0..<16).map { row in
                Tensor.concatenate([samples.sliced(row..<(row + 1), alongAxis: 0),
                                    training.examples.gathered(indices: neighbours[row], alongAxis: 0)], alongAxis: 0)
            }
            let url = trained.folder.file("nearest-neighbours.png")
            try ImageGrid.render(Tensor.concatenate(rows, alongAxis: 0), columns: 6).write(to: url.path)
            print("wrote \(url.path): each row a sample, then its 5 nearest training images (Euclidean, pixel space)")
        case .codeAccuracy:
            try measureCodeAccuracy(into: &report)
        case .parzen, .frechet, .classifierScore, .precisionRecall, .densityCoverage, .labelAccuracy, .modes:
            let (samples, labels) = try generate(metric)
            let onWhat = "\(samples.shape[0]) samples of \(trained.folder.url.lastPathComponent) (\(trained.configuration.model))"
                + command.samplingPhrase + " against \(test.count) test examples"
            try SampleMetrics(command: command, test: test, source: source, picturesFolder: trained.folder.url)
                .measure(metric, samples: samples, labels: labels, onWhat: onWhat, into: &report)
        }
    }

    /// InfoGAN's categorical code against the classifier's classes: `--samples` samples with
    /// the codes cycled, each code assigned the class that maximises the matched count.
    private func measureCodeAccuracy(into report: inout EvaluationReport) throws {
        guard case .adversarial(let model) = trained.model, model.configuration.categoricalCode > 0 else {
            throw RunError("--metrics code-accuracy needs a model with a categorical code (infogan)")
        }
        guard isImages(test) else { throw RunError("--metrics code-accuracy needs image data") }
        let classifier = try ShippedClassifier.load(command.classifier)
        let codeCount = model.configuration.categoricalCode
        let codes = (0..<command.samples).map { $0 % codeCount }
        var generator = SplitMix64(seed: command.seed).derived(0xC0DE)
        let predicted = stride(from: 0, to: codes.count, by: 1000).flatMap { start -> [Int] in
            let range = start..<min(start + 1000, codes.count)
            let samples = model.sample(
                count: range.count, categories: Array(codes[range]), temperature: command.temperature,
                jacobianKeep: command.jacobianKeep, using: &generator)
            return classifier.predictions(samples)
        }
        let classCount = test.classCount ?? codeCount
        let result = CodeAccuracy.measure(codes: codes, predicted: predicted, codeCount: codeCount, classCount: classCount)
        report.record("code_accuracy", .number(result.accuracy),
                      protocol: "\(codes.count) samples of \(trained.folder.url.lastPathComponent)"
                          + command.samplingPhrase + " with the "
                          + "\(codeCount) categories cycled, classified by the MNIST classifier; best "
                          + (codeCount <= classCount ? "one-to-one" : "many-to-one")
                          + " code-to-class assignment \(result.assignment)")
    }

    /// Samples in the data's layout and range, with the labels they were conditioned on; drawn
    /// on the first call, the same ones after.
    private func generate(_ metric: MetricName) throws -> (Tensor, [Int]?) {
        if metric == .labelAccuracy {
            switch trained.model {
            case .variational(let model) where !model.configuration.isConditional:
                throw RunError("--metrics label-accuracy needs a conditional model")
            case .adversarial(let model) where !model.configuration.isConditional:
                throw RunError("--metrics label-accuracy needs a conditional model (cgan)")
            default: break
            }
        }
        let samples = try drawn.value ?? draw(metric)
        drawn.value = samples
        return samples
    }

    private func draw(_ metric: MetricName) throws -> (Tensor, [Int]?) {
        var generator = SplitMix64(seed: command.seed).derived(0x5A3)
        let count = command.samples
        switch trained.model {
        case .variational(let model):
            let classes = model.configuration.classCount
            let labels = model.configuration.isConditional ? (0..<count).map { $0 % classes } : nil
            let chunks = stride(from: 0, to: count, by: 1000).map { start -> Tensor in
                let range = start..<min(start + 1000, count)
                return VariationalPictures.samples(model: model, count: range.count, labels: labels.map { Array($0[range]) },
                                                   temperature: command.temperature, using: &generator)
            }
            return (Tensor.concatenate(chunks, alongAxis: 0), labels)
        case .adversarial(let model):
            let classes = model.configuration.classCount
            let labels = classes > 0 ? (0..<count).map { $0 % classes } : nil
            let chunks = stride(from: 0, to: count, by: 1000).map { start -> Tensor in
                let range = start..<min(start + 1000, count)
                return model.sample(count: range.count, labels: labels.map { Array($0[range]) },
                                    temperature: command.temperature, jacobianKeep: command.jacobianKeep,
                                    using: &generator)
            }
            return (Tensor.concatenate(chunks, alongAxis: 0), labels)
        case .classifier:
            throw RunError("--metrics \(metric.rawValue) needs a generative model; \(trained.folder.url.path) holds a classifier")
        }
    }

    private func measureVariational(
        _ metric: MetricName, _ model: VariationalAutoencoder, on data: Dataset, into report: inout EvaluationReport
    ) throws {
        let onWhat = "\(data.count) \(trained.configuration.dataset) test examples"
        switch metric {
        case .elbo:
            let result = VariationalEvaluation.measure(model, on: data, seed: command.seed)
            report.record(.negativeELBO, Double(result.negativeELBO), protocol: onWhat + ", one z per example, analytic KL")
            report.record("reconstruction", .number(Double(result.reconstruction)), protocol: onWhat)
            report.record("kl", .number(Double(result.kl)), protocol: onWhat)
        case .nll:
            guard model.configuration.kind != .ae else {
                throw RunError("--metrics nll: the deterministic autoencoder defines no likelihood")
            }
            let progress = ProgressReporter(total: data.count, label: "nll k=\(command.importanceSamples)")
            let logLikelihoods = ImportanceSampledLikelihood.estimate(
                model, on: data, samples: command.importanceSamples, seed: command.seed
            ) { progress.update(step: $0, values: []) }
            report.record(logLikelihood: MeanEstimate(of: logLikelihoods), dimensions: model.configuration.featureCount,
                          protocol: onWhat + ", importance sampling with k = \(command.importanceSamples)")
            if let perExample = command.perExample { try NPY.write(Tensor(logLikelihoods), to: perExample) }
        case .activeUnits:
            report.record(ActiveUnits.measure(model, on: data), protocol: onWhat + ", Var_x E_q[z_u] > 0.01")
        case .klPerDimension:
            report.record("kl_per_dim", .numbers(KLPerDimension.average(model, on: data)), protocol: onWhat)
        case .gradientVariance:
            var generator = SplitMix64(seed: command.seed).derived(0x6A)
            let batch = min(128, data.count)
            let result = GradientVariance.compare(
                model, images: data.examples.sliced(0..<batch, alongAxis: 0),
                labels: model.configuration.isConditional ? data.labels.map { Array($0[0..<batch]) } : nil,
                draws: 100, using: &generator)
            report.record(result, protocol: "one minibatch of \(batch) test examples, 100 draws of z per estimator")
        default:
            break
        }
    }
}

/// The metrics computed from samples (a model's, or real data standing in for them).
private struct SampleMetrics {
    let command: EvalCommand
    let test: Dataset
    let source: DataSource
    /// Where pictures of a metric go (the run folder), if anywhere.
    var picturesFolder: URL? = nil

    func measure(
        _ metric: MetricName, samples: Tensor, labels: [Int]?, onWhat: String, into report: inout EvaluationReport
    ) throws {
        switch metric {
        case .parzen:
            // Goodfellow et al. 2014: sigma from 10 log-spaced values in [0.1, 1] on 1,000
            // validation images of train[50000:], then the mean over the test set.
            let training = try source.load(.train, dataDirectory: command.dataDir)
            let start = min(50_000, max(0, training.count - 1000))
            let validation = training.examples.sliced(start..<min(start + 1000, training.count), alongAxis: 0).flattened()
            let result = ParzenWindow.evaluate(test: test.examples.flattened(), validation: validation, samples: samples.flattened())
            report.record(result, protocol: onWhat + "; sigma chosen on 1,000 images of train[\(start):]")
        case .frechet, .classifierScore, .precisionRecall, .densityCoverage, .labelAccuracy:
            guard isImages(test) else { throw RunError("--metrics \(metric.rawValue) needs image data; use modes for 2-D toys") }
            let classifier = try ShippedClassifier.load(command.classifier)
            let generated = ClassifierFeatures.extract(classifier, from: samples)
            switch metric {
            case .frechet:
                let real = ClassifierFeatures.extract(classifier, from: test.examples)
                report.record(.frechetDistance, FrechetDistance.distance(between: real.features, and: generated.features),
                              protocol: onWhat + "; MNIST-classifier features (not Inception-v3)")
            case .classifierScore:
                let decomposition = ClassifierScore.decompose(logits: generated.logits)
                report.record(.classifierScore, decomposition.score, protocol: onWhat + "; MNIST-classifier p(y|x)")
                report.record("class_entropy", .number(decomposition.classEntropy),
                              protocol: "H(p(y)) of the samples' mean class distribution, nats (log 10 = 2.303 at most)")
                report.record("conditional_entropy", .number(decomposition.conditionalEntropy),
                              protocol: "mean H(p(y|x)) over the samples, nats; the score is exp(class − conditional entropy)")
                report.record("class_frequencies", .numbers(decomposition.classFrequencies),
                              protocol: "p(y) = mean p(y|x) per class, digits 0…9")
            case .precisionRecall:
                let real = ClassifierFeatures.extract(classifier, from: test.examples)
                report.record(PrecisionRecall.measure(real: real.features, generated: generated.features, k: command.neighbours),
                              protocol: onWhat + "; MNIST-classifier features, k = \(command.neighbours)")
            case .densityCoverage:
                let real = ClassifierFeatures.extract(classifier, from: test.examples)
                report.record(DensityCoverage.measure(real: real.features, generated: generated.features),
                              protocol: onWhat + "; MNIST-classifier features, k = 5")
            default:
                guard let labels else { throw RunError("--metrics label-accuracy needs a conditional model") }
                let predicted = generated.logits.argmax(alongAxis: 1)
                report.record(.labelAccuracy, LabelAccuracy.accuracy(predicted: predicted, intended: labels),
                              protocol: onWhat + "; labels cycled 0…\(labels.max() ?? 0)")
            }
        case .modes:
            guard case .toy(let toy, _) = source, let mixture = toy.mixture else {
                throw RunError("--metrics modes needs a 2-D Gaussian-mixture toy dataset (toy:ring8, toy:grid25)")
            }
            let coverage = ModeCoverage.measure(samples, mixture: mixture)
            report.record(coverage, protocol: onWhat + "; high quality within 3 std")
            if let folder = picturesFolder {
                let url = folder.appendingPathComponent("mode-histogram.png")
                try ModeHistogramPicture.render(coverage.histogram).write(to: url.path)
                print("wrote \(url.path): high-quality samples per mode")
            }
            if toy.hasExactDensity {
                report.record("sample_log_density", .number(ToyLogDensity.mean(of: samples, under: toy).mean),
                              protocol: "mean log-density of the samples under the true distribution")
            }
        default:
            throw RunError("--metrics \(metric.rawValue) is not a sample-based metric")
        }
    }
}

/// The test set as the model was trained to see it (binarised protocols binarise it once,
/// with the same fixed seed the trainer uses).
enum VariationalProtocol {
    static func testSet(_ test: Dataset, for configuration: RunConfiguration) throws -> Dataset {
        guard let options = configuration.variationalTraining, options.dataProtocol != .intensities else { return test }
        return VariationalTrainer.binarizedTestSet(test)
    }
}

/// A bar chart of high-quality samples per mode (one bar per mode, in the mixture's order).
enum ModeHistogramPicture {
    static func render(_ histogram: [Int], barWidth: Int = 12, height: Int = 120) -> PNGImage {
        let width = max(1, histogram.count) * barWidth + 2
        var pixels = [UInt8](repeating: 255, count: width * height)
        let largest = max(histogram.max() ?? 0, 1)
        for (mode, count) in histogram.enumerated() {
            let barHeight = count == 0 ? 0 : max(1, count * (height - 4) / largest)
            for row in (height - 2 - barHeight)..<(height - 2) {
                for column in (1 + mode * barWidth + 1)..<(1 + (mode + 1) * barWidth - 1) {
                    pixels[row * width + column] = 60
                }
            }
            // A light grey baseline marks an empty mode, so a missed mode is visible.
            if count == 0 { for column in (1 + mode * barWidth + 1)..<(1 + (mode + 1) * barWidth - 1) { pixels[(height - 2) * width + column] = 180 } }
        }
        return PNGImage(width: width, height: height, channels: 1, pixels: pixels)
    }
}
