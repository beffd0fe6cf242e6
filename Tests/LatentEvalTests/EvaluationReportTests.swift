import Foundation
import Testing

@testable import LatentEval

@Suite("EvaluationReport")
struct EvaluationReportTests {
    /// The JSON object parses, keeps the standard keys and their protocols, and writes
    /// non-finite values as null.
    @Test func jsonCarriesValuesAndProtocols() throws {
        var report = EvaluationReport()
        report.record(.negativeELBO, 95.5, protocol: "MNIST test, 10,000 images")
        report.record(
            logLikelihood: MeanEstimate(mean: -90, standardError: 0.25, count: 100),
            dimensions: 784,
            protocol: "k = 5000")
        report.record(
            ParzenResult(
                meanLogLikelihood: 220, standardError: 2, sigma: 0.2, testCount: 10,
                sampleCount: 10,
                grid: [0.2], validationMeans: [1]),
            protocol: "Goodfellow et al. 2014")
        report.record(
            ModeCoverage(
                modesCovered: 7, modeCount: 8, highQualityFraction: 0.9, reverseKL: .nan,
                histogram: []), protocol: "toy:ring8, \"quoted\"")
        report.record(
            PrecisionRecall(precision: 0.8, recall: 0.7, k: 3), protocol: "classifier features")
        report.record(ActiveUnits(variances: [1, 0]), protocol: "test set")
        let json = report.json
        #expect(!json.contains("\n"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["neg_elbo"] as? Double == 95.5)
        #expect(object["nll"] as? Double == 90)
        #expect(object["nll_stderr"] as? Double == 0.25)
        #expect(abs((object["bits_per_dim"] as? Double ?? 0) - 90 / (784 * log(2.0))) < 1e-12)
        #expect(json.contains("\"parzen_sigma\":0.2,"))
        #expect(object["modes_covered"] as? Int == 7)
        #expect(object["reverse_kl"] is NSNull)
        #expect(object["active_units"] as? Int == 1)
        #expect(object["recall"] as? Double == 0.7)
        let protocols = try #require(object["protocol"] as? [String: String])
        #expect(protocols["modes_covered"] == "toy:ring8, \"quoted\"")
        #expect(protocols["parzen_ll"] == "Goodfellow et al. 2014")
        #expect(Set(protocols.keys) == Set(object.keys).subtracting(["protocol"]))
    }

    /// Recording a key again replaces it in place; the table has a header and one row per key.
    @Test func tableListsEachMetricOnce() {
        var report = EvaluationReport()
        report.record(.frechetDistance, 12.5, protocol: "MNIST-classifier features")
        report.record(.classifierScore, 9.1, protocol: "10,000 samples")
        report.record(.frechetDistance, 3.25, protocol: "MNIST-classifier features, again")
        #expect(report.entries.map(\.key) == ["frechet_distance", "classifier_score"])
        #expect(report[.frechetDistance] == .number(3.25))
        let lines = report.table.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("metric"))
        #expect(lines[1].contains("3.2500") && lines[1].contains("again"))
    }

    /// The toy log-density and its standard error go under their own keys; a sample where the
    /// density is zero makes both null rather than a number.
    @Test func sampleLogDensityKeys() throws {
        var report = EvaluationReport()
        report.record(
            sampleLogDensity: MeanEstimate(of: [-3.0, -4.0, -5.0]), protocol: "toy:circles")
        #expect(report.entries.map(\.key) == ["sample_log_density", "sample_log_density_stderr"])
        #expect(report.entries[0].value == .number(-4))
        #expect(report.entries[1].value == .number(1 / 3.0.squareRoot()))
        report.record(
            sampleLogDensity: MeanEstimate(of: [-3.0, -.infinity]), protocol: "toy:checkerboard")
        #expect(
            report.json.hasPrefix(
                "{\"sample_log_density\":null,\"sample_log_density_stderr\":null,"))
    }

    /// Every key issue 7 names is a ``MetricKey``.
    @Test func standardKeysAreTheIssuesKeys() {
        #expect(
            MetricKey.allCases.map(\.rawValue) == [
                "neg_elbo", "nll", "nll_stderr", "parzen_ll", "parzen_stderr", "parzen_sigma",
                "frechet_distance",
                "classifier_score", "label_accuracy", "precision", "recall", "modes_covered",
                "high_quality",
                "reverse_kl", "active_units", "bits_per_dim",
            ])
    }
}
