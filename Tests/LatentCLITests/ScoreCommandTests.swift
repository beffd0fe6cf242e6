import ArgumentParser
import Foundation
import Testing

import LatentData
import LatentModels
import LatentTensor

@testable import LatentCLI

@Suite("latent score")
struct ScoreCommandTests {
    /// One tiny VAE run on MNIST, and PNG files to score beside it.
    private static func setUp() throws -> (folder: String, run: String) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-score-\(UUID().uuidString)").path
        let run = folder + "/vae"
        let arguments = ["vae", "--epochs", "1", "--training-limit", "256", "--test-limit", "64", "--hidden", "32",
                         "--latent", "4", "--sample-every", "0", "--out", run]
        try TrainCommand.parse(arguments).run(invocation: arguments)
        try FileManager.default.createDirectory(atPath: folder + "/digits", withIntermediateDirectories: true)
        let test = try MNIST.load(.test)
        for index in 0..<3 {
            let pixels = test.examples.sliced(index..<(index + 1), alongAxis: 0).scalars.map { UInt8(($0 * 255).rounded()) }
            try PNGImage(width: 28, height: 28, channels: 1, pixels: pixels).write(to: "\(folder)/digits/\(index).png")
        }
        try PNGImage(width: 28, height: 28, channels: 1, pixels: [UInt8](repeating: 0, count: 784))
            .write(to: folder + "/blank.png")
        return (folder, run)
    }

    /// Each image's score is the importance-sampled log p(x) of that image under the run's
    /// model; a folder stands for its PNG files in name order; the CSV and JSON carry the
    /// same figures.
    @Test func scoresAreTheModelsLogLikelihoods() throws {
        let (folder, run) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command = try ScoreCommand.parse([
            "--run", run, folder + "/digits", folder + "/blank.png", "--importance-samples", "20",
            "--out", folder + "/scores.csv",
        ])
        let scores = try command.score()
        #expect(scores.images.map(\.path) == [
            folder + "/digits/0.png", folder + "/digits/1.png", folder + "/digits/2.png", folder + "/blank.png",
        ])

        guard case .variational(let model) = try TrainedRun(path: run).model else { Issue.record("not a VAE"); return }
        let images = try scores.images.map { try PNGImage(contentsOf: $0.path) }
        let data = Dataset(name: "images", examples: ImageFolder.examples(images, channels: 1), valueRange: 0...1)
        let expected = ImportanceSampledLikelihood.estimate(model, on: data, samples: 20, seed: 1)
        #expect(scores.images.map(\.logLikelihood) == expected.map(Double.init))
        for image in scores.images {
            #expect(image.logLikelihood < 0 && image.logLikelihood.isFinite)
            #expect(abs(image.bitsPerDimension + image.logLikelihood / (784 * log(2))) < 1e-9)
        }

        try command.run()
        let lines = try String(contentsOfFile: folder + "/scores.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "path,log_likelihood,bits_per_dim" && lines.count == 5)
        #expect(lines[1].hasPrefix(folder + "/digits/0.png,\(scores.images[0].logLikelihood),"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(scores.json.utf8)) as? [String: Any])
        #expect(json["count"] as? Int == 4 && (json["images"] as? [[String: Any]])?.count == 4)
        #expect((json["mean_log_likelihood"] as? Double).map { abs($0 - scores.mean) < 1e-9 } == true)
    }

    /// A run trained on binarised digits scores a binarisation of the images, and says so; a
    /// cvae scores the images under the class given with --label, and needs one.
    @Test func binarisedAndConditionalRuns() throws {
        let (folder, _) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tiny = ["--epochs", "1", "--training-limit", "256", "--test-limit", "64", "--hidden", "32", "--latent", "4",
                    "--sample-every", "0"]
        let binary = ["vae", "--data-protocol", "dynamic", "--out", folder + "/binary"] + tiny
        try TrainCommand.parse(binary).run(invocation: binary)
        let scored = try ScoreCommand.parse(["--run", folder + "/binary", folder + "/digits", "--importance-samples", "5"]).score()
        #expect(scored.protocolText.contains("images binarised"))
        #expect(scored.images.allSatisfy { $0.logLikelihood.isFinite && $0.logLikelihood < 0 })

        let conditional = ["cvae", "--out", folder + "/cvae"] + tiny
        try TrainCommand.parse(conditional).run(invocation: conditional)
        let base = ["--run", folder + "/cvae", folder + "/digits/0.png", "--importance-samples", "5"]
        let asSeven = try ScoreCommand.parse(base + ["--label", "7"]).score()
        let asOne = try ScoreCommand.parse(base + ["--label", "1"]).score()
        #expect(asSeven.images[0].logLikelihood.isFinite && asSeven.images[0].logLikelihood != asOne.images[0].logLikelihood)
        #expect(throws: (any Error).self) { try ScoreCommand.parse(base).score() }
        #expect(throws: (any Error).self) { try ScoreCommand.parse(base + ["--label", "10"]).score() }
    }

    /// Images the model cannot read, runs without a likelihood and labels where none is taken
    /// are refused in one line that names what and where.
    @Test func badInputIsRefusedInOneLine() throws {
        let (folder, run) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func refusal(_ arguments: [String]) -> String {
            do {
                _ = try ScoreCommand.parse(arguments).score()
                return ""
            } catch {
                return "\(error)"
            }
        }
        try PNGImage(width: 32, height: 32, channels: 1, pixels: [UInt8](repeating: 9, count: 1024))
            .write(to: folder + "/large.png")
        try PNGImage(width: 28, height: 28, channels: 3, pixels: [UInt8](repeating: 9, count: 784 * 3))
            .write(to: folder + "/colour.png")
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: folder + "/broken.png"))
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)

        #expect(refusal(["--run", run, folder + "/large.png"])
                == "\(folder)/large.png is 32x32; the model reads 28x28 images")
        #expect(refusal(["--run", run, folder + "/colour.png"])
                == "\(folder)/colour.png is colour; the model reads grey images")
        #expect(refusal(["--run", run, folder + "/broken.png"]).contains(folder + "/broken.png"))
        #expect(refusal(["--run", run, folder + "/missing.png"]) == "\(folder)/missing.png: no such file or folder")
        #expect(refusal(["--run", run, folder + "/empty"]) == "\(folder)/empty: no .png files in the folder")
        #expect(refusal(["--run", run, "--label", "3", folder + "/blank.png"]).hasPrefix("--label is for cvae runs"))
        let classifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/mnist-classifier").path
        #expect(refusal(["--run", classifier, folder + "/blank.png"])
                .contains("which defines no likelihood p(x); latent score needs a vae, beta-vae, iwae or cvae run"))
        #expect(throws: (any Error).self) { try ScoreCommand.parse(["--run", run]) }
        #expect(throws: (any Error).self) { try ScoreCommand.parse(["--run", run, "x.png", "--out", "x.txt"]) }
        #expect(throws: (any Error).self) { try ScoreCommand.parse(["--run", run, "x.png", "--importance-samples", "0"]) }
    }
}
