import ArgumentParser
import Dispatch
import LatentData
import LatentEval
import LatentModels
import LatentTensor

/// `latent-bench eval`: the evaluation metrics at the sizes of the MNIST protocols.
///
/// Parzen: 10,000 samples, 10,000 test images, 784 dimensions, sigma chosen from 10 values on
/// 1,000 validation images (issue 7's bar: ≤ 10 s). Training images stand in for a model's
/// samples; random uniform images are used when MNIST cannot be read (the cost is the same).
struct EvalBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Parzen window, classifier features, Fréchet distance, precision/recall, density/coverage.")

    @Option(help: "Threads for oneDNN and the engine's worker pool (default: all cores).")
    var threads: Int?

    @Option(help: "Comma-separated sections to run: parzen, features, frechet, precision-recall, density-coverage.")
    var sections: String = "parzen,features,frechet,precision-recall,density-coverage"

    @Option(help: "Kernel centres (the model's samples) for the Parzen window.")
    var samples: Int = 10_000

    @Option(help: "Test images scored by the Parzen window, and images per feature set.")
    var test: Int = 10_000

    @Option(help: "Validation images for choosing the Parzen sigma.")
    var validation: Int = 1_000

    @Option(help: "Directory holding the MNIST files (default: the search order of docs/data.md).")
    var dataDir: String?

    func validate() throws {
        let known: Set = ["parzen", "features", "frechet", "precision-recall", "density-coverage"]
        for section in sections.split(separator: ",") where !known.contains(String(section)) {
            throw ValidationError(
                "--sections: unknown section '\(section)'; use parzen, features, frechet, precision-recall or density-coverage."
            )
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        guard samples >= 1, test >= 4, validation >= 1 else {
            throw ValidationError(
                "--samples and --validation must be positive and --test at least 4.")
        }
    }

    func run() throws {
        if let threads { ThreadSettings.apply(threads) }
        let (images, source) = loadImages(count: max(samples + validation, test))
        let testImages = loadTestImages(count: test, fallback: images)
        Report.line([
            ("name", .text("environment")), ("gemm_library", .text(GEMM.library)),
            ("threads", .integer(ThreadSettings.openMPThreads ?? Parallel.threadCount)),
            ("data", .text(source)),
        ])
        let chosen = Set(sections.split(separator: ",").map(String.init))
        if chosen.contains("parzen") {
            let kernelCentres = images.sliced(0..<samples, alongAxis: 0)
            let held = images.sliced(samples..<(samples + validation), alongAxis: 0)
            var result: ParzenResult?
            let seconds = time {
                result = ParzenWindow.evaluate(
                    test: testImages, validation: held, samples: kernelCentres)
            }
            Report.line([
                ("name", .text("parzen")), ("samples", .integer(samples)), ("test", .integer(test)),
                ("validation", .integer(validation)), ("dimension", .integer(784)),
                ("sigmas", .integer(ParzenWindow.defaultGrid.count)), ("seconds", .number(seconds)),
                ("sigma", .number(Double(result!.sigma))),
                ("mean_ll", .number(result!.meanLogLikelihood)),
            ])
        }
        var generator = SplitMix64(seed: 1)
        let classifier = Classifier(ClassifierConfiguration(), using: &generator)
        var features: (real: Tensor, other: Tensor)?
        func extractFeatures() -> (real: Tensor, other: Tensor) {
            if let features { return features }
            var real = Tensor(zeros: [0]), other = Tensor(zeros: [0])
            let seconds = time {
                real = ClassifierFeatures.extract(classifier, from: testImages).features
            }
            other =
                ClassifierFeatures.extract(classifier, from: images.sliced(0..<test, alongAxis: 0))
                .features
            Report.line([
                ("name", .text("classifier_features")), ("images", .integer(test)),
                ("feature_count", .integer(real.shape[1])), ("seconds", .number(seconds)),
            ])
            features = (real, other)
            return (real, other)
        }
        if chosen.contains("features") { _ = extractFeatures() }
        if chosen.contains("frechet") {
            let (real, other) = extractFeatures()
            var distance = 0.0
            let seconds = time { distance = FrechetDistance.distance(between: real, and: other) }
            Report.line([
                ("name", .text("frechet_distance")), ("count", .integer(test)),
                ("feature_count", .integer(real.shape[1])), ("seconds", .number(seconds)),
                ("value", .number(distance)),
            ])
        }
        /// Times one k-nearest-neighbour measure of the two feature sets and prints its line.
        func neighbourMeasure(_ name: String, k: Int, _ measure: (Tensor, Tensor) -> [(String, Double)]) {
            let (real, other) = extractFeatures()
            var values: [(String, Double)] = []
            let seconds = time { values = measure(real, other) }
            Report.line(
                [("name", .text(name)), ("count", .integer(test)), ("k", .integer(k)), ("seconds", .number(seconds))]
                    + values.map { ($0.0, .number($0.1)) })
        }
        if chosen.contains("precision-recall") {
            neighbourMeasure("precision_recall", k: 3) { real, other in
                let result = PrecisionRecall.measure(real: real, generated: other)
                return [("precision", result.precision), ("recall", result.recall)]
            }
        }
        if chosen.contains("density-coverage") {
            neighbourMeasure("density_coverage", k: 5) { real, other in
                let result = DensityCoverage.measure(real: real, generated: other)
                return [("density", result.density), ("coverage", result.coverage)]
            }
        }
    }

    /// MNIST training images `[count, 1, 28, 28]`, or uniform noise when MNIST is unreadable.
    private func loadImages(count: Int) -> (Tensor, String) {
        if let train = try? DataSource.mnist.load(.train, dataDirectory: dataDir),
            train.count >= count
        {
            return (train.examples.sliced(0..<count, alongAxis: 0), "mnist")
        }
        var generator = SplitMix64(seed: 2)
        return (Tensor(randomUniform: [count, 1, 28, 28], using: &generator), "uniform noise")
    }

    /// MNIST test images, or the first `count` of `fallback`.
    private func loadTestImages(count: Int, fallback: Tensor) -> Tensor {
        if let test = try? DataSource.mnist.load(.test, dataDirectory: dataDir), test.count >= count
        {
            return test.examples.sliced(0..<count, alongAxis: 0)
        }
        return fallback.sliced(0..<count, alongAxis: 0)
    }

    /// Seconds of one run of `body`.
    private func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
