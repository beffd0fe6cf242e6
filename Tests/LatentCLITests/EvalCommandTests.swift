import ArgumentParser
import Foundation
import TestSupport
import Testing

import LatentData
import LatentEval
import LatentModels

@testable import LatentCLI

/// The shipped classifier, found from this file rather than the working directory.
private let shippedClassifier = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Models/mnist-classifier").path

/// Trains a tiny run with `latent train` arguments.
private func train(_ arguments: [String]) throws {
    try TrainCommand.parse(arguments).run(invocation: arguments)
}

/// Evaluates with `latent eval` arguments and returns the report (errors are thrown, not printed).
private func evaluate(_ arguments: [String]) throws -> EvaluationReport {
    try EvalCommand.parse(arguments).evaluate()
}

/// The description of the error `body` throws, or "" when it throws none.
private func message(_ body: () throws -> Void) -> String {
    do {
        try body()
        return ""
    } catch {
        return "\(error)"
    }
}

@Suite("latent eval")
struct EvalCommandTests {
    /// `latent` started by its name on the PATH, from a folder outside the checkout, finds the
    /// shipped classifier beside its executable (a checkout's build folder), as the README's
    /// `export PATH=…` use has it.
    @Test func theToolOnThePathFindsTheShippedClassifier() throws {
        let folder = TemporaryFolder.path("elsewhere")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tools = Bundle.main.executableURL!.deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["latent", "eval", "--real", "mnist", "--metrics", "classifier-score",
                             "--samples", "50", "--test-limit", "50", "--json"]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = tools + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\"classifier_score\""), "\(text)")
    }

    /// A latent diagnostic the run's member of the family lacks is one line naming the metric,
    /// the run's kind and the kinds that have it, and a failing exit, not a trap.
    @Test func latentDiagnosticsNameTheKindsTheyNeed() throws {
        let folder = TemporaryFolder.path("kinds")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for kind in ["ae", "iwae", "vae"] {
            try train([kind, "--dataset", "toy:ring8", "--epochs", "1", "--training-limit", "64", "--test-limit", "32",
                       "--hidden", "8", "--latent", "2", "--out", folder + "/" + kind])
        }
        func eval(_ kind: String, _ metric: String) -> [String] {
            ["--run", folder + "/" + kind, "--metrics", metric, "--test-limit", "16", "--importance-samples", "4"]
        }
        let variance = message { _ = try evaluate(eval("iwae", "gradient-variance")) }
        #expect(variance.contains("--metrics gradient-variance") && variance.contains("holds an iwae")
                && variance.contains("(vae, beta-vae, cvae)"), "\(variance)")
        let autoencoder = message { _ = try evaluate(eval("ae", "gradient-variance")) }
        #expect(autoencoder.contains("holds an ae (the deterministic autoencoder)"), "\(autoencoder)")
        let kl = message { _ = try evaluate(eval("ae", "kl-per-dim")) }
        #expect(kl.contains("--metrics kl-per-dim needs a posterior q(z|x) (vae, beta-vae, iwae, cvae)")
                && kl.contains("holds an ae"), "\(kl)")
        let nll = message { _ = try evaluate(eval("ae", "nll")) }
        #expect(nll.contains("--metrics nll needs a likelihood p(x)"), "\(nll)")
        #expect(throws: ExitCode.failure) { try EvalCommand.parse(eval("iwae", "gradient-variance")).run() }
        #expect(throws: ExitCode.failure) { try EvalCommand.parse(eval("ae", "kl-per-dim")).run() }
        // A list with one such metric is refused before the others run (nll would write its
        // per-example figures).
        let perExample = folder + "/nll.npy"
        let listed = message { _ = try evaluate(eval("iwae", "nll,gradient-variance") + ["--per-example", perExample]) }
        #expect(listed.contains("--metrics gradient-variance"), "\(listed)")
        #expect(!FileManager.default.fileExists(atPath: perExample), "nll ran before the refusal")
        // The same for a metric the data cannot have (the classifier's on 2-D points).
        let imagesOnly = message { _ = try evaluate(eval("vae", "nll,frechet") + ["--per-example", perExample]) }
        #expect(imagesOnly.contains("--metrics frechet needs image data"), "\(imagesOnly)")
        #expect(!FileManager.default.fileExists(atPath: perExample), "nll ran before the refusal")
        let labels = message { _ = try evaluate(eval("vae", "label-accuracy")) }
        #expect(labels == "--metrics label-accuracy needs a conditional model (cvae, cgan)", "\(labels)")

        // The members that have them measure them.
        let report = try evaluate(eval("vae", "gradient-variance,kl-per-dim,nll"))
        #expect(report.entries.map(\.key).contains("gradient_variance_ratio"))
        #expect(report.entries.map(\.key).contains("kl_per_dim"))
        #expect(try evaluate(eval("iwae", "kl-per-dim,active-units")).entries.count == 3)
        #expect(try evaluate(eval("ae", "elbo,active-units"))[.activeUnits] != nil)
    }

    /// Classifier metrics on images the classifier cannot read (32×32 RGB against its 28×28
    /// grey) are refused with both shapes and the option to use; without --metrics such a run
    /// gets Parzen, and --classifier with a classifier of that shape gets the classifier's.
    @Test func classifierMetricsNeedImagesOfTheClassifiersShape() throws {
        let folder = TemporaryFolder.path("rgb")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Four 32×32 RGB images in two classes: fewer than the picture's five neighbours too.
        for (index, label) in ["a", "a", "b", "b"].enumerated() {
            try FileManager.default.createDirectory(atPath: "\(folder)/data/\(label)", withIntermediateDirectories: true)
            let pixels = (0..<(32 * 32 * 3)).map { UInt8(($0 * (7 + 2 * index) + 40 * index) % 256) }
            try PNGImage(width: 32, height: 32, channels: 3, pixels: pixels).write(to: "\(folder)/data/\(label)/\(index).png")
        }
        let data = "folder:\(folder)/data?test=0.5", run = folder + "/gan"
        try train(["gan", "--dataset", data, "--steps", "1", "--g-hidden", "8", "--d-hidden", "8", "--batch-size", "4",
                   "--sample-every", "0", "--out", run])
        let base = ["--run", run, "--samples", "8", "--classifier", shippedClassifier]
        for metric in ["frechet", "classifier-score", "precision-recall", "density-coverage"] {
            let refusal = message { _ = try evaluate(base + ["--metrics", metric]) }
            #expect(refusal.contains("--metrics \(metric)") && refusal.contains("reads [1, 28, 28] images")
                    && refusal.contains("are [3, 32, 32]") && refusal.contains("--classifier"), "\(refusal)")
        }
        #expect(throws: ExitCode.failure) { try EvalCommand.parse(base + ["--metrics", "frechet"]).run() }

        #expect(try evaluate(base).entries.map(\.key) == ["parzen_ll", "parzen_stderr", "parzen_sigma"])
        let real = try EvalCommand.parse(["--real", data, "--samples", "4", "--classifier", shippedClassifier]).evaluate()
        #expect(real[.parzenLogLikelihood] != nil && real[.frechetDistance] == nil)
        let pictured = try evaluate(["--run", run, "--metrics", "nearest-neighbours"])
        #expect(FileManager.default.fileExists(atPath: run + "/nearest-neighbours.png"))
        #expect(pictured.json.hasPrefix("{\"nearest_neighbours_png\":\"\(run)/nearest-neighbours.png\""), "\(pictured.json)")

        try train(["classifier", "--dataset", data, "--epochs", "1", "--classifier-features", "12",
                   "--classifier-dropout", "0.1", "--out", folder + "/classifier"])
        let trained = try #require(try RunFolder(creating: folder + "/classifier", resuming: true).readConfiguration().classifier)
        #expect(trained.featureCount == 12 && trained.dropout == 0.1)
        let matched = try evaluate(["--run", run, "--samples", "8", "--classifier", folder + "/classifier",
                                    "--metrics", "frechet,classifier-score"])
        #expect(matched[.frechetDistance] != nil && matched[.classifierScore] != nil)
        #expect(matched.entries.first?.protocol.contains("features of the classifier \(folder)/classifier") == true)
        // Four test images are too few for density and coverage's k = 5.
        let few = message {
            _ = try evaluate(["--run", run, "--classifier", folder + "/classifier", "--metrics", "density-coverage"])
        }
        #expect(few.contains("more than k = 5 test examples"), "\(few)")
    }

    /// --per-example writes nll's per-example values; with other metrics it is refused rather
    /// than ignored.
    @Test func perExampleNeedsNLL() throws {
        for metrics in [[], ["--metrics", "elbo"], ["--metrics", "parzen,frechet"]] {
            let refusal = #expect(throws: (any Error).self) {
                try EvalCommand.parse(["--run", "r", "--per-example", "x.npy"] + metrics)
            }
            #expect(EvalCommand.message(for: refusal!).contains("add nll to --metrics"))
        }
        #expect(try EvalCommand.parse(["--run", "r", "--per-example", "x.npy", "--metrics", "elbo,nll"]).perExample == "x.npy")
    }

    /// Without --metrics, 2-D points get the toy's own measures: mode coverage on the
    /// mixtures, the exact density on circles and checkerboard, Parzen elsewhere.
    @Test func pointsGetTheirToysMeasures() throws {
        #expect(EvalCommand.pointMetrics(for: try DataSource(parsing: "toy:ring8")) == [.modes])
        #expect(EvalCommand.pointMetrics(for: try DataSource(parsing: "toy:grid25")) == [.modes])
        #expect(EvalCommand.pointMetrics(for: try DataSource(parsing: "toy:circles")) == [.toyDensity])
        #expect(EvalCommand.pointMetrics(for: try DataSource(parsing: "toy:checkerboard")) == [.toyDensity])
        #expect(EvalCommand.pointMetrics(for: try DataSource(parsing: "toy:moons")) == [.parzen])
        #expect(EvalCommand.pointMetrics(for: try DataSource(parsing: "csv:points.csv")) == [.parzen])
    }

    /// The exact log-density of samples is a metric of its own for every toy that has one; a
    /// GAN on circles gets it by default, and a VAE's importance-sampled nll of the test points
    /// reads against the truth's own log-density of them.
    @Test func toyDensityOnCircles() throws {
        let folder = TemporaryFolder.path("toy-density")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try train(["gan", "--dataset", "toy:circles", "--steps", "2", "--g-hidden", "8", "--d-hidden", "8", "--pack", "1",
                   "--batch-size", "16", "--sample-every", "0", "--out", folder + "/gan"])
        let report = try evaluate(["--run", folder + "/gan", "--samples", "200", "--test-limit", "100"])
        #expect(report.entries.map(\.key) == ["sample_log_density", "sample_log_density_stderr", "test_log_density"])
        guard case .number(let density)? = report.entries.first?.value,
              case .number(let truth)? = report.entries.last?.value else {
            Issue.record("no densities in \(report.json)")
            return
        }
        // The truth's mean log-density of its own points; an untrained generator's lie lower.
        #expect(truth > -4 && truth < -2, "test log-density \(truth)")
        #expect(density < truth, "sample log-density \(density)")
        let real = try EvalCommand.parse(["--real", "toy:checkerboard", "--samples", "100", "--test-limit", "50"]).evaluate()
        // Every checkerboard point lies on a square of density 1/32 (log-densities are Floats).
        guard case .number(let square)? = real.entries.first?.value else {
            Issue.record("no density in \(real.json)")
            return
        }
        #expect(abs(square + log(32.0)) < 1e-6)
        // Points are called points in the protocol, not images.
        #expect(real.entries.first?.protocol.contains("100 training points of toy:checkerboard standing in for samples") == true,
                "\(real.json)")

        try train(["gan", "--dataset", "toy:moons", "--steps", "1", "--g-hidden", "8", "--d-hidden", "8", "--pack", "1",
                   "--batch-size", "16", "--sample-every", "0", "--out", folder + "/moons"])
        let moons = message { _ = try evaluate(["--run", folder + "/moons", "--metrics", "toy-density", "--samples", "10"]) }
        #expect(moons.contains("closed-form density") && moons.contains("toy:moons"), "\(moons)")
        #expect(try evaluate(["--run", folder + "/moons", "--samples", "50", "--test-limit", "50"])[.parzenLogLikelihood] != nil)

        try train(["vae", "--dataset", "toy:circles", "--likelihood", "gaussian", "--epochs", "1", "--training-limit", "256",
                   "--hidden", "8", "--latent", "2", "--out", folder + "/vae"])
        let vae = try evaluate(["--run", folder + "/vae", "--metrics", "nll,toy-density", "--importance-samples", "8",
                                "--test-limit", "50", "--samples", "100"])
        guard case .number(let nll)? = vae[.nll] else {
            Issue.record("no nll in \(vae.json)")
            return
        }
        #expect(nll.isFinite && nll > 0)
    }

    /// `--real` Parzen on a small folder chooses sigma on images its stand-in samples do not
    /// hold: 16 training images, sigma on train[8:16], the first 8 standing in for samples.
    @Test func realParzenKeepsItsStandInsApartFromTheValidationImages() throws {
        let folder = TemporaryFolder.path("parzen")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for index in 0..<20 {
            let label = index % 2 == 0 ? "a" : "b"
            try FileManager.default.createDirectory(atPath: "\(folder)/\(label)", withIntermediateDirectories: true)
            let pixels = (0..<64).map { UInt8(($0 * (3 + index) + 17 * index) % 256) }
            try PNGImage(width: 8, height: 8, channels: 1, pixels: pixels).write(to: "\(folder)/\(label)/\(index).png")
        }
        let report = try evaluate(["--real", "folder:\(folder)?test=0.2", "--metrics", "parzen"])
        let parzen = try #require(report.entries.first { $0.key == "parzen_ll" })
        #expect(parzen.protocol.contains("8 training images") && parzen.protocol.contains("train[8:16]"), "\(parzen.protocol)")
    }
}
