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
    case modes
    case toyDensity = "toy-density"
    case accuracy
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
        case .modes: return "modes covered, high-quality fraction, reverse KL, exact log-density (2-D Gaussian-mixture toys)"
        case .toyDensity: return "exact mean log-density of samples under the true 2-D toy (mixtures, circles, checkerboard)"
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
        discussion: "Metrics:\n" + MetricName.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n")
            + "\n\nlatent score gives log p(x) of examples of your own (PNG, .npy, .csv) under a latent-variable model.")

    @Option(name: .customLong("run"), help: "The run folder of a trained model.")
    var runFolder: String?

    @Option(help: "Evaluate real data instead of a model: training images stand in for samples (calibration).")
    var real: String?

    @Option(help: """
        Comma-separated metrics (default: elbo for latent-variable models, accuracy for classifiers; for others \
        frechet,classifier-score on images the classifier reads, parzen on other images, modes on the 2-D mixtures, \
        toy-density on the other toys with a closed-form density, parzen on other points).
        """,
            transform: EvalCommand.metricList)
    var metrics: [MetricName]?

    @Option(help: "Generated samples for sample-based metrics (Parzen, Fréchet, scores, modes).")
    var samples: Int = 10_000

    @Option(help: "Importance samples per test image for nll.")
    var importanceSamples: Int = 5000

    @Option(help: "Evaluate on only the first N test examples.")
    var testLimit: Int?

    @Option(help: "Write nll's per-example log p(x) to this .npy file (with --metrics nll).")
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
        if metrics?.isEmpty == true { throw ValidationError("--metrics names no metric; leave it out for the run's defaults.") }
        if let perExample, !perExample.hasSuffix(".npy") { throw ValidationError("--per-example must name a .npy file.") }
        if perExample != nil, !(metrics ?? []).contains(.nll) {
            throw ValidationError("--per-example writes the per-example log p(x) of nll; add nll to --metrics.")
        }
    }

    func run() throws {
        try reportingErrors("eval") {
            let report = try evaluate()
            print(report.table)
            if json { print(report.json) }
        }
    }

    /// Measures the run (or the real data) with the metrics asked for, or its defaults.
    func evaluate() throws -> EvaluationReport {
        var report = EvaluationReport()
        if let real {
            try evaluateReal(real, into: &report)
        } else {
            try evaluateRun(runFolder!, into: &report)
        }
        return report
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
        try RunData.check(test, of: trained.configuration.dataset, against: trained)
        if let testLimit { test = test.subset(0..<min(testLimit, test.count)) }
        let chosen: [MetricName]
        switch (metrics, trained.model) {
        case (let metrics?, _): chosen = metrics
        case (nil, .variational): chosen = [.elbo]
        case (nil, .classifier): chosen = [.accuracy]
        case (nil, .adversarial):
            chosen = try sampleDefaults(test: test, source: source, classifierMetrics: [.frechet, .classifierScore])
        }
        let context = EvaluationContext(trained: trained, source: source, test: test, command: self)
        // Every metric the run cannot have is refused before the first one runs.
        for metric in chosen { try context.check(metric) }
        for metric in chosen {
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
        let chosen = try metrics ?? sampleDefaults(
            test: test, source: source, classifierMetrics: [.frechet, .classifierScore, .precisionRecall, .densityCoverage])
        for metric in chosen {
            // The score of real data is the test set's own (the calibration the docs quote).
            let scoresTest = metric == .classifierScore
            let testImages = "the \(test.count) test \(exampleNoun(test)) of \(specification)"
            // Parzen's stand-ins stay clear of the images its sigma is chosen on.
            let used = metric == .parzen
                ? min(count, SampleMetrics.parzenValidation(trainingCount: training.count).lowerBound) : count
            let standIns = used == count ? stand : stand.sliced(0..<used, alongAxis: 0)
            let ofStandIns = "\(used) training \(exampleNoun(test)) of \(specification) standing in for samples"
            try SampleMetrics(command: self, test: test, source: source).measure(
                metric, samples: scoresTest ? test.examples : standIns,
                labels: scoresTest ? test.labels : training.labels.map { Array($0[0..<used]) },
                ofWhat: scoresTest ? testImages : ofStandIns,
                onWhat: scoresTest ? testImages : ofStandIns + ", against \(test.count) test \(exampleNoun(test))", into: &report)
        }
    }

    /// The sample-based metrics of data when --metrics is not given: `classifierMetrics` for
    /// images the classifier reads, Parzen for other images (with a note on standard error),
    /// and for 2-D points ``pointMetrics(for:)``.
    private func sampleDefaults(test: Dataset, source: DataSource, classifierMetrics: [MetricName]) throws -> [MetricName] {
        guard isImages(test) else { return Self.pointMetrics(for: source) }
        do {
            _ = try ShippedClassifier.load(
                classifier, reading: test.exampleShape, of: source.description,
                for: "--metrics " + classifierMetrics.map(\.rawValue).joined(separator: ","))
            return classifierMetrics
        } catch let mismatch as ClassifierShapeError {
            FileHandle.standardError.write(Data("""
                latent eval: note: the classifier \(mismatch.classifierFolder) reads \(mismatch.classifierShape) images, \
                not the \(mismatch.exampleShape) of \(source): measuring parzen; --classifier <a classifier run trained on \
                such images> gives \(classifierMetrics.map(\.rawValue).joined(separator: ", "))\n
                """.utf8))
            return [.parzen]
        }
    }

    /// The default metrics of 2-D points: mode coverage (with the exact log-density) on the
    /// Gaussian mixtures, the exact log-density on the other toys that have one, else Parzen.
    static func pointMetrics(for source: DataSource) -> [MetricName] {
        guard case .toy(let toy, _) = source else { return [.parzen] }
        if toy.mixture != nil { return [.modes] }
        return toy.hasExactDensity ? [.toyDensity] : [.parzen]
    }
}

func isImages(_ data: Dataset) -> Bool { data.exampleShape.count == 3 }

/// What the protocol strings call `data`'s examples: images, 2-D points, or examples.
func exampleNoun(_ data: Dataset) -> String {
    isImages(data) ? "images" : data.exampleShape == [2] ? "points" : "examples"
}

/// The test set as the model was trained to see it (binarised protocols binarise it once,
/// with the same fixed seed the trainer uses).
enum VariationalProtocol {
    static func testSet(_ test: Dataset, for configuration: RunConfiguration) throws -> Dataset {
        guard let options = configuration.variationalTraining, options.dataProtocol != .intensities else { return test }
        return VariationalTrainer.binarizedTestSet(test)
    }
}
