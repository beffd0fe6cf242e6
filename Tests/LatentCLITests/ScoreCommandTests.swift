import ArgumentParser
import Foundation
import TestSupport
import Testing

import LatentData
import LatentModels
import LatentTensor

@testable import LatentCLI

@Suite("latent score")
struct ScoreCommandTests {
    /// One tiny VAE run on MNIST, and PNG files to score beside it.
    private static func setUp() throws -> (folder: String, run: String) {
        let folder = TemporaryFolder.path("score")
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
        #expect(scores.examples.map(\.path) == [
            folder + "/digits/0.png", folder + "/digits/1.png", folder + "/digits/2.png", folder + "/blank.png",
        ])

        guard case .variational(let model) = try TrainedRun(path: run).model else { Issue.record("not a VAE"); return }
        let images = try scores.examples.map { try PNGImage(contentsOf: $0.path) }
        let data = Dataset(name: "images", examples: ImageFolder.examples(images, channels: 1), valueRange: 0...1)
        let expected = ImportanceSampledLikelihood.estimate(model, on: data, samples: 20, seed: 1)
        #expect(scores.examples.map(\.logLikelihood) == expected.map(Double.init))
        for image in scores.examples {
            #expect(image.logLikelihood < 0 && image.logLikelihood.isFinite)
            #expect(abs(image.bitsPerDimension + image.logLikelihood / (784 * log(2))) < 1e-9)
        }

        // The same digits as a float32 .npy array score the same, row by row.
        let digits = Dataset(name: "digits", examples: ImageFolder.examples(Array(images.prefix(3)), channels: 1), valueRange: 0...1)
        try NPY.write(digits.examples, to: folder + "/digits.npy")
        let fromArray = try ScoreCommand.parse(["--run", run, folder + "/digits.npy", "--importance-samples", "20"]).score()
        #expect(fromArray.examples.map(\.path) == (0..<3).map { "\(folder)/digits.npy[\($0)]" })
        let fromFolder = try ScoreCommand.parse(["--run", run, folder + "/digits", "--importance-samples", "20"]).score()
        #expect(fromArray.examples.map(\.logLikelihood) == fromFolder.examples.map(\.logLikelihood))
        try NPY.write(digits.examples * 255, to: folder + "/grey-levels.npy")
        let outside = #expect(throws: (any Error).self) {
            try ScoreCommand.parse(["--run", run, folder + "/grey-levels.npy"]).score()
        }
        #expect("\(outside!)".contains("grey-levels.npy[0] has values outside [0, 1]"))

        // Bytes (numpy's uint8) are divided by 255 exactly as PNG pixels are, as [N, 28, 28] or
        // one [28, 28] image.
        let bytes = digits.examples.scalars.map { UInt8(($0 * 255).rounded()) }
        let header = "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 28, 28), }\n"
        try Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8) + bytes)
            .write(to: URL(fileURLWithPath: folder + "/bytes.npy"))
        let fromBytes = try ScoreCommand.parse(["--run", run, folder + "/bytes.npy", "--importance-samples", "20"]).score()
        #expect(fromBytes.examples.map(\.logLikelihood) == fromFolder.examples.map(\.logLikelihood))
        try NPY.write(digits.examples.sliced(0..<1, alongAxis: 0).reshaped(to: [28, 28]), to: folder + "/one.npy")
        let one = try ScoreCommand.parse(["--run", run, folder + "/one.npy", "--importance-samples", "20"]).score()
        let firstPNG = try ScoreCommand.parse(["--run", run, folder + "/digits/0.png", "--importance-samples", "20"]).score()
        #expect(one.examples.map(\.path) == [folder + "/one.npy"]
                && one.examples[0].logLikelihood == firstPNG.examples[0].logLikelihood)

        try command.run()
        let lines = try String(contentsOfFile: folder + "/scores.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "path,log_likelihood,bits_per_dim" && lines.count == 5)
        #expect(lines[1].hasPrefix(folder + "/digits/0.png,\(scores.examples[0].logLikelihood),"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(scores.json.utf8)) as? [String: Any])
        #expect(json["count"] as? Int == 4 && (json["examples"] as? [[String: Any]])?.count == 4)
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
        #expect(scored.protocolText.contains("binarised as latent eval binarises the test set"))
        guard case .variational(let binaryModel) = try TrainedRun(path: folder + "/binary").model else { return }
        let images = try scored.examples.map { try PNGImage(contentsOf: $0.path) }
        let grey = Dataset(name: "digits", examples: ImageFolder.examples(images, channels: 1), valueRange: 0...1)
        let expected = ImportanceSampledLikelihood.estimate(
            binaryModel, on: VariationalTrainer.binarizedTestSet(grey), samples: 5, seed: 1)
        #expect(scored.examples.map(\.logLikelihood) == expected.map(Double.init))

        let conditional = ["cvae", "--out", folder + "/cvae"] + tiny
        try TrainCommand.parse(conditional).run(invocation: conditional)
        let base = ["--run", folder + "/cvae", folder + "/digits/0.png", "--importance-samples", "5"]
        let asSeven = try ScoreCommand.parse(base + ["--label", "7"]).score()
        let asOne = try ScoreCommand.parse(base + ["--label", "1"]).score()
        #expect(asSeven.examples[0].logLikelihood.isFinite && asSeven.examples[0].logLikelihood != asOne.examples[0].logLikelihood)
        #expect(throws: (any Error).self) { try ScoreCommand.parse(base).score() }
        #expect(throws: (any Error).self) { try ScoreCommand.parse(base + ["--label", "10"]).score() }
    }

    /// A model of 2-D points scores points from .csv and .npy files alike, and refuses images.
    @Test func pointsFromCSVAndNPY() throws {
        let folder = TemporaryFolder.path("score")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let arguments = ["vae", "--dataset", "toy:ring8", "--epochs", "1", "--training-limit", "512", "--hidden", "32",
                         "--latent", "2", "--sample-every", "0", "--out", folder + "/ring"]
        try TrainCommand.parse(arguments).run(invocation: arguments)
        try Data("x,y\n2,0\n0,-2\n0.1,0.1\n".utf8).write(to: URL(fileURLWithPath: folder + "/points.csv"))
        try NPY.write(Tensor(shape: [3, 2], scalars: [2, 0, 0, -2, 0.1, 0.1]), to: folder + "/points.npy")
        let base = ["--run", folder + "/ring", "--importance-samples", "50"]
        let csv = try ScoreCommand.parse(base + [folder + "/points.csv"]).score()
        let npy = try ScoreCommand.parse(base + [folder + "/points.npy"]).score()
        #expect(csv.examples.count == 3 && csv.examples.map(\.logLikelihood) == npy.examples.map(\.logLikelihood))
        #expect(csv.examples.allSatisfy { $0.logLikelihood.isFinite })
        try PNGImage(width: 2, height: 1, channels: 1, pixels: [0, 0]).write(to: folder + "/image.png")
        let refusal = #expect(throws: (any Error).self) { try ScoreCommand.parse(base + [folder + "/image.png"]).score() }
        #expect("\(refusal!)".contains("models examples of shape [2], not images"))
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
        try PNGImage(width: 28, height: 28, channels: 3, pixels: (0..<(784 * 3)).map { UInt8($0 % 3 * 60) })
            .write(to: folder + "/colour.png")
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: folder + "/broken.png"))
        var rgba = [UInt8](repeating: 255, count: 784 * 4)
        rgba[3] = 0
        try PNGImage(width: 28, height: 28, channels: 4, pixels: rgba).write(to: folder + "/transparent.png")
        try PNGImage(width: 28, height: 28, channels: 3, pixels: [UInt8](repeating: 40, count: 784 * 3))
            .write(to: folder + "/grey-rgb.png")
        #expect(refusal(["--run", run, folder + "/transparent.png"])
                == "\(folder)/transparent.png has transparent pixels; flatten it onto its background first")
        #expect(refusal(["--run", run, folder + "/grey-rgb.png"]) == "")
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
