import ArgumentParser
import Foundation
import Testing

import LatentEval
import LatentModels

@testable import LatentCLI

/// The shipped classifier, found from this file rather than the working directory.
private let shippedClassifier = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Models/mnist-classifier").path

/// A temporary folder, removed by the caller.
private func temporaryFolder(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(name)-\(UUID().uuidString)").path
}

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
    /// A latent diagnostic the run's member of the family lacks is one line naming the metric,
    /// the run's kind and the kinds that have it, and a failing exit, not a trap.
    @Test func latentDiagnosticsNameTheKindsTheyNeed() throws {
        let folder = temporaryFolder("kinds")
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

        // The members that have them measure them.
        let report = try evaluate(eval("vae", "gradient-variance,kl-per-dim,nll"))
        #expect(report.entries.map(\.key).contains("gradient_variance_ratio"))
        #expect(report.entries.map(\.key).contains("kl_per_dim"))
        #expect(try evaluate(eval("iwae", "kl-per-dim,active-units")).entries.count == 3)
        #expect(try evaluate(eval("ae", "elbo,active-units"))[.activeUnits] != nil)
    }
}
