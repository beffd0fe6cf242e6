import Foundation
import LatentData
import LatentEval
import LatentModels
import LatentTensor

/// The metrics computed from samples (a model's, or real data standing in for them).
struct SampleMetrics {
    let command: EvalCommand
    let test: Dataset
    let source: DataSource
    /// Where pictures of a metric go (the run folder), if anywhere.
    var picturesFolder: URL? = nil

    /// The training images Parzen's sigma is chosen on: the protocol's 1,000 of train[50000:]
    /// (or the last 1,000 of a smaller set); in 2,000 images or fewer, the second half, so that
    /// `latent eval --real` can take its stand-in samples from the first.
    static func parzenValidation(trainingCount count: Int) -> Range<Int> {
        guard count > 2000 else { return (count / 2)..<count }
        let start = min(50_000, count - 1000)
        return start..<(start + 1000)
    }

    /// Measures `metric` on `samples` (conditioned on `labels`, if any).
    ///
    /// - Parameters:
    ///   - ofWhat: the samples, for the protocol string ("200 samples of r (gan)").
    ///   - onWhat: the samples against the test set, for the metrics that compare the two.
    /// Refuses a sample-based metric the data cannot have, before anything is measured: the
    /// classifier's metrics on data that are not images, modes without a Gaussian-mixture toy,
    /// toy-density without a closed-form density.
    static func checkData(for metric: MetricName, test: Dataset, source: DataSource) throws {
        switch metric {
        case .frechet, .classifierScore, .precisionRecall, .densityCoverage, .labelAccuracy:
            guard isImages(test) else {
                throw RunError("--metrics \(metric.rawValue) needs image data; for 2-D points use modes, toy-density or parzen")
            }
        case .modes:
            guard case .toy(let toy, _) = source, toy.mixture != nil else {
                throw RunError("--metrics modes needs a 2-D Gaussian-mixture toy dataset (toy:ring8, toy:grid25); the data is \(source)")
            }
        case .toyDensity:
            guard case .toy(let toy, _) = source, toy.hasExactDensity else {
                throw RunError("--metrics toy-density needs a 2-D toy with a closed-form density "
                    + "(toy:ring8, toy:grid25, toy:circles, toy:checkerboard); the data is \(source)")
            }
        default: break
        }
    }

    func measure(
        _ metric: MetricName, samples: Tensor, labels: [Int]?, ofWhat: String, onWhat: String,
        into report: inout EvaluationReport
    ) throws {
        switch metric {
        case .parzen:
            // Goodfellow et al. 2014: sigma from 10 log-spaced values in [0.1, 1] on 1,000
            // validation images of train[50000:], then the mean over the test set.
            let training = try source.load(.train, dataDirectory: command.dataDir)
            let range = SampleMetrics.parzenValidation(trainingCount: training.count)
            let validation = training.examples.sliced(range, alongAxis: 0).flattened()
            let result = ParzenWindow.evaluate(test: test.examples.flattened(), validation: validation, samples: samples.flattened())
            // Folders and CSV files may have fewer than 1,000 training examples.
            let chosenOn = validation.shape[0] == 1000 ? "1,000" : "\(validation.shape[0])"
            report.record(result, protocol: onWhat + "; sigma chosen on \(chosenOn) \(exampleNoun(test)) of train[\(range.lowerBound):\(range.upperBound)]")
        case .frechet, .classifierScore, .precisionRecall, .densityCoverage, .labelAccuracy:
            try Self.checkData(for: metric, test: test, source: source)
            let classifier = try ShippedClassifier.load(
                command.classifier, reading: test.exampleShape, of: source.description, for: "--metrics \(metric.rawValue)")
            try checkSizes(metric, sampleCount: samples.shape[0])
            let generated = ClassifierFeatures.extract(classifier, from: samples)
            switch metric {
            case .frechet:
                let real = ClassifierFeatures.extract(classifier, from: test.examples)
                report.record(.frechetDistance, FrechetDistance.distance(between: real.features, and: generated.features),
                              protocol: onWhat + "; \(featuresPhrase) (not Inception-v3)")
            case .classifierScore:
                let decomposition = ClassifierScore.decompose(logits: generated.logits)
                report.record(.classifierScore, decomposition.score, protocol: onWhat + "; \(probabilitiesPhrase)")
                report.record("class_entropy", .number(decomposition.classEntropy),
                              protocol: "H(p(y)) of the samples' mean class distribution, nats (log 10 = 2.303 at most)")
                report.record("conditional_entropy", .number(decomposition.conditionalEntropy),
                              protocol: "mean H(p(y|x)) over the samples, nats; the score is exp(class − conditional entropy)")
                report.record("class_frequencies", .numbers(decomposition.classFrequencies),
                              protocol: "p(y) = mean p(y|x) per class, "
                                  + (command.classifier == nil ? "digits 0…9" : "classes 0…\(decomposition.classFrequencies.count - 1)"))
            case .precisionRecall:
                let real = ClassifierFeatures.extract(classifier, from: test.examples)
                report.record(PrecisionRecall.measure(real: real.features, generated: generated.features, k: command.neighbours),
                              protocol: onWhat + "; \(featuresPhrase), k = \(command.neighbours)")
            case .densityCoverage:
                let real = ClassifierFeatures.extract(classifier, from: test.examples)
                report.record(DensityCoverage.measure(real: real.features, generated: generated.features),
                              protocol: onWhat + "; \(featuresPhrase), k = 5")
            default:
                guard let labels else { throw RunError("--metrics label-accuracy needs a conditional model") }
                let predicted = generated.logits.argmax(alongAxis: 1)
                report.record(.labelAccuracy, LabelAccuracy.accuracy(predicted: predicted, intended: labels),
                              protocol: onWhat + "; labels cycled 0…\(labels.max() ?? 0)")
            }
        case .modes:
            try Self.checkData(for: metric, test: test, source: source)
            guard case .toy(let toy, _) = source, let mixture = toy.mixture else { return }
            let coverage = ModeCoverage.measure(samples, mixture: mixture)
            report.record(coverage, protocol: onWhat + "; high quality within 3 std")
            if let folder = picturesFolder {
                let url = folder.appendingPathComponent("mode-histogram.png")
                try ModeHistogramPicture.render(coverage.histogram).write(to: url.path)
                report.record("mode_histogram_png", .text(url.path), protocol: "high-quality samples per mode, a bar each")
            }
            recordToyDensity(of: samples, under: toy, ofWhat: ofWhat, into: &report)
        case .toyDensity:
            try Self.checkData(for: metric, test: test, source: source)
            guard case .toy(let toy, _) = source else { return }
            recordToyDensity(of: samples, under: toy, ofWhat: ofWhat, into: &report)
            report.record("test_log_density", .number(ToyLogDensity.mean(of: test.examples, under: toy).mean),
                          protocol: "mean log-density of the \(test.count) test points under the true \(source): "
                              + "the most a model's mean log-likelihood (−nll) can reach on them, up to sampling error")
        default:
            throw RunError("--metrics \(metric.rawValue) is not a sample-based metric")
        }
    }

    /// The exact mean log-density of the samples under the true toy, when it has one.
    private func recordToyDensity(of samples: Tensor, under toy: ToyDistribution, ofWhat: String,
                                  into report: inout EvaluationReport) {
        guard toy.hasExactDensity else { return }
        report.record(sampleLogDensity: ToyLogDensity.mean(of: samples, under: toy),
                      protocol: "mean log-density of \(ofWhat) under the true \(source), nats")
    }

    /// Refuses set sizes a metric's estimator is undefined for (the library's preconditions
    /// would stop the process), naming the options that set them.
    private func checkSizes(_ metric: MetricName, sampleCount: Int) throws {
        let least: (samples: Int, test: Int)
        let why: String
        switch metric {
        case .frechet:
            (least, why) = ((2, 2), "two points in each set for the covariances")
        case .precisionRecall:
            let k = command.neighbours
            (least, why) = ((k + 1, k + 1), "more than k = \(k) points in each set (--neighbours)")
        case .densityCoverage:
            (least, why) = ((1, 6), "more than k = 5 test examples and one sample")
        default:
            return
        }
        guard sampleCount < least.samples || test.count < least.test else { return }
        throw RunError("--metrics \(metric.rawValue) needs \(why); got \(sampleCount) samples and \(test.count) test "
            + "examples (--samples, --test-limit)")
    }

    /// Where the features come from, for protocol strings.
    private var featuresPhrase: String {
        command.classifier.map { "features of the classifier \($0)" } ?? "MNIST-classifier features"
    }

    /// Where p(y|x) comes from, for protocol strings.
    private var probabilitiesPhrase: String {
        command.classifier.map { "p(y|x) of the classifier \($0)" } ?? "MNIST-classifier p(y|x)"
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
