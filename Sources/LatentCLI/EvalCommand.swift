import ArgumentParser
import Foundation
import LatentData
import LatentModels
import LatentTensor

/// The measures `latent eval` knows.
enum MetricName: String, CaseIterable, ExpressibleByArgument {
    case elbo, nll, accuracy

    var summary: String {
        switch self {
        case .elbo: return "test-set negative ELBO and its terms (latent-variable models)"
        case .nll: return "importance-sampled negative log-likelihood, k = --samples (latent-variable models)"
        case .accuracy: return "test accuracy (classifiers)"
        }
    }
}

/// `latent eval`: measures a trained run.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run on its test set.",
        discussion: "Metrics: " + MetricName.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; "))

    @Option(name: .customLong("run"), help: "The run folder of a trained model.")
    var runFolder: String

    @Option(help: "Comma-separated metrics (default: elbo for latent-variable models, accuracy for classifiers).",
            transform: EvalCommand.metricList)
    var metrics: [MetricName]?

    @Option(help: "Importance samples per test image for nll.")
    var samples: Int = 5000

    @Option(help: "Evaluate on only the first N test examples.")
    var testLimit: Int?

    @Option(help: "Write per-example values (log-likelihoods for nll) to this .npy file.")
    var perExample: String?

    @Option(help: "Folder holding the dataset files.")
    var dataDir: String?

    @Option(help: "Seed of the sampling noise.")
    var seed: UInt64 = 1

    @Flag(help: "Print the result as one JSON object on the last line.")
    var json = false

    static func metricList(_ text: String) throws -> [MetricName] {
        try text.split(separator: ",").map { name in
            guard let metric = MetricName(rawValue: String(name).trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown metric '\(name)'; known: \(MetricName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return metric
        }
    }

    func validate() throws {
        guard samples > 0 else { throw ValidationError("--samples must be positive.") }
        if let testLimit, testLimit <= 0 { throw ValidationError("--test-limit must be positive.") }
        if let perExample, !perExample.hasSuffix(".npy") { throw ValidationError("--per-example must name a .npy file.") }
    }

    func run() throws {
        try reportingErrors("eval") {
            let trained = try TrainedRun(path: runFolder)
            var test = try DataSource(parsing: trained.configuration.dataset).load(.test, dataDirectory: dataDir)
            if let testLimit { test = test.subset(0..<min(testLimit, test.count)) }
            var fields: [(String, MetricValue)] = [("run", .text(runFolder)), ("model", .text(trained.configuration.model))]
            switch trained.model {
            case .variational(let model):
                test = try VariationalProtocol.testSet(test, for: trained.configuration)
                fields += try evaluateVariational(model, on: test, run: trained)
            case .classifier(let model):
                for metric in metrics ?? [.accuracy] {
                    guard metric == .accuracy else {
                        throw RunError("--metrics \(metric.rawValue) needs a latent-variable model; \(runFolder) holds a classifier")
                    }
                    let accuracy = ClassifierEvaluation.accuracy(model, on: test)
                    print(String(format: "test accuracy %.4f on %d %@ test images", accuracy, test.count, trained.configuration.dataset))
                    fields += [("test_accuracy", .number(Double(accuracy))), ("test_count", .integer(test.count))]
                }
            }
            if json { print(JSONText.object(fields)) }
        }
    }

    private func evaluateVariational(
        _ model: VariationalAutoencoder, on test: Dataset, run trained: TrainedRun
    ) throws -> [(String, MetricValue)] {
        var fields: [(String, MetricValue)] = [("test_count", .integer(test.count))]
        let dimensions = Double(model.configuration.featureCount)
        for metric in metrics ?? [.elbo] {
            switch metric {
            case .elbo:
                let result = VariationalEvaluation.measure(model, on: test, seed: seed)
                print(String(format: "test negative ELBO %.2f nats/image = reconstruction %.2f + KL %.2f (%d images, one z per image)",
                             result.negativeELBO, result.reconstruction, result.kl, test.count))
                fields += [("neg_elbo", .number(Double(result.negativeELBO))),
                           ("reconstruction", .number(Double(result.reconstruction))), ("kl", .number(Double(result.kl)))]
            case .nll:
                guard model.configuration.kind != .ae else {
                    throw RunError("--metrics nll: the deterministic autoencoder in \(runFolder) defines no likelihood")
                }
                let progress = ProgressReporter(total: test.count, label: "nll k=\(samples)")
                let logLikelihoods = ImportanceSampledLikelihood.estimate(
                    model, on: test, samples: samples, seed: seed) { progress.update(step: $0, values: []) }
                let nll = logLikelihoods.map { -Double($0) }
                let mean = nll.reduce(0, +) / Double(nll.count)
                let variance = nll.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(nll.count - 1, 1))
                let standardError = (variance / Double(nll.count)).squareRoot()
                let bitsPerDimension = mean / (dimensions * Foundation.log(2.0))
                print(String(format: "test NLL %.2f ± %.2f nats/image (%.4f bits/dim), importance sampling with k = %d on %d images",
                             mean, standardError, bitsPerDimension, samples, test.count))
                fields += [("nll", .number(mean)), ("nll_stderr", .number(standardError)),
                           ("bits_per_dim", .number(bitsPerDimension)), ("importance_samples", .integer(samples))]
                if let perExample {
                    try NPY.write(Tensor(logLikelihoods), to: perExample)
                    print("wrote per-image log p(x) to \(perExample)")
                }
            case .accuracy:
                throw RunError("--metrics accuracy needs a classifier; \(runFolder) holds a \(trained.configuration.model)")
            }
        }
        return fields
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
