import ArgumentParser
import Foundation
import LatentData
import LatentModels
import LatentNN
import LatentTensor

/// `latent score`: how likely a latent-variable model finds images of the user's own.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Log-likelihood of your own PNG images under a trained VAE, IWAE or CVAE (importance-sampled, per image).")

    @Option(name: .customLong("run"), help: "The run folder of a trained latent-variable model (vae, beta-vae, iwae, cvae).")
    var runFolder: String

    @Argument(help: "PNG files, or folders whose .png files are all scored (sorted by name).")
    var paths: [String]

    @Option(help: "Importance samples per image (the IWAE bound with k samples; more is tighter and slower).")
    var importanceSamples: Int = 1000

    @Option(help: "Class label of every image (cvae only).")
    var label: Int?

    @Option(help: "Seed of the importance samples (and of the binarisation, for runs trained on binarised data).")
    var seed: UInt64 = 1

    @Option(help: "Also write one line per image to this .csv file (path, log_likelihood, bits_per_dim).")
    var out: String?

    @Flag(help: "Print the result as one JSON object on the last line.")
    var json = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one PNG file or folder to score.") }
        guard importanceSamples >= 1 else { throw ValidationError("--importance-samples must be at least 1.") }
        if let out, !out.lowercased().hasSuffix(".csv") { throw ValidationError("--out writes a .csv file, got \(out).") }
    }

    func run() throws {
        try reportingErrors("score") {
            let scores = try score()
            print(scores.table)
            if let out { try Data(scores.csv.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) }
            if json { print(scores.json) }
        }
    }

    /// The scored images.
    struct Scores {
        /// Each image's file, log p(x) in nats and bits per dimension.
        var images: [(path: String, logLikelihood: Double, bitsPerDimension: Double)]
        /// What was measured, for the output.
        var protocolText: String
        var mean: Double { images.map(\.logLikelihood).reduce(0, +) / Double(max(images.count, 1)) }

        var table: String {
            let width = min(60, images.map(\.path.count).max() ?? 4)
            var lines = ["image".padding(toLength: width, withPad: " ", startingAt: 0) + "  log p(x) nats  bits/dim"]
            for image in images {
                lines.append(image.path.padding(toLength: max(width, image.path.count), withPad: " ", startingAt: 0)
                    + String(format: "  %13.2f  %8.4f", image.logLikelihood, image.bitsPerDimension))
            }
            lines.append(String(format: "mean log p(x) %.2f nats over %d images; %@", mean, images.count, protocolText))
            return lines.joined(separator: "\n")
        }

        var csv: String {
            "path,log_likelihood,bits_per_dim\n" + images.map {
                "\(Self.csvField($0.path)),\($0.logLikelihood),\($0.bitsPerDimension)"
            }.joined(separator: "\n") + "\n"
        }

        var json: String {
            let rows: [String] = images.map { image in
                let fields: [(String, MetricValue)] = [
                    ("path", .text(image.path)), ("log_likelihood", .number(image.logLikelihood)),
                    ("bits_per_dim", .number(image.bitsPerDimension)),
                ]
                return JSONText.object(fields)
            }
            let summary: [(String, MetricValue)] = [
                ("mean_log_likelihood", .number(mean)), ("count", .integer(images.count)), ("protocol", .text(protocolText)),
            ]
            return "{\"images\": [" + rows.joined(separator: ", ") + "], " + String(JSONText.object(summary).dropFirst())
        }

        private static func csvField(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
    }

    /// Loads the run and the images and estimates each image's log p(x).
    func score() throws -> Scores {
        let trained = try TrainedRun(path: runFolder)
        guard case .variational(let model) = trained.model, model.configuration.kind != .ae else {
            let held = trained.configuration.model
            throw RunError("\(runFolder) holds \("aeiou".contains(held.prefix(1)) ? "an" : "a") \(held), which defines no "
                + "likelihood p(x); latent score needs a vae, beta-vae, iwae or cvae run")
        }
        let configuration = model.configuration
        let shape = configuration.imageShape
        guard shape.count == 3, shape[0] == 1 || shape[0] == 3 else {
            throw RunError("\(runFolder) models examples of shape \(shape), not images; latent score reads PNG images")
        }
        if configuration.isConditional {
            guard let label else { throw RunError("\(runFolder) holds a cvae: give every image's class with --label") }
            guard (0..<configuration.classCount).contains(label) else {
                throw RunError("--label \(label) is not a class of \(runFolder) (0..<\(configuration.classCount))")
            }
        } else if label != nil {
            throw RunError("--label is for cvae runs; \(runFolder) holds a \(trained.configuration.model)")
        }
        let files = try Self.pngFiles(paths)
        var images: [PNGImage] = []
        for file in files {
            let image = try PNGImage(contentsOf: file)
            guard image.height == shape[1], image.width == shape[2] else {
                throw RunError("\(file) is \(image.width)x\(image.height); the model reads \(shape[2])x\(shape[1]) images")
            }
            guard (image.channels >= 3) == (shape[0] == 3) else {
                throw RunError("\(file) is \(image.channels >= 3 ? "colour" : "grey"); the model reads "
                    + "\(shape[0] == 3 ? "colour (RGB)" : "grey") images")
            }
            images.append(image)
        }
        var data = Dataset(
            name: "images", examples: ImageFolder.examples(images, channels: shape[0]),
            labels: label.map { [Int](repeating: $0, count: images.count) },
            classCount: configuration.isConditional ? configuration.classCount : nil, valueRange: 0...1)
        var protocolText = "importance sampling with k = \(importanceSamples)"
        if let options = trained.configuration.variationalTraining, options.dataProtocol != .intensities {
            // The model was trained on binary images: score a binarisation drawn from the seed.
            var generator = SplitMix64(seed: seed).derived(0xB1)
            data = data.bernoulliSampled(using: &generator)
            protocolText += ", images binarised (pixel on with probability its grey level) as the run was trained"
        }
        let progress = ProgressReporter(total: data.count, label: "score k=\(importanceSamples)")
        let logLikelihoods = ImportanceSampledLikelihood.estimate(
            model, on: data, samples: importanceSamples, seed: seed
        ) { progress.update(step: $0, values: []) }
        let dimensions = Double(configuration.featureCount)
        return Scores(
            images: zip(files, logLikelihoods).map { ($0, Double($1), -Double($1) / (dimensions * log(2))) },
            protocolText: protocolText)
    }

    /// The PNG files named by `paths`: files as given, folders' `.png` files sorted by name.
    static func pngFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw RunError("\(path): no such file or folder")
            }
            if isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { $0.lowercased().hasSuffix(".png") && !$0.hasPrefix(".") }.sorted()
                guard !names.isEmpty else { throw RunError("\(path): no .png files in the folder") }
                files += names.map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }
}
