import ArgumentParser
import Foundation
import LatentData
import LatentModels
import LatentNN
import LatentTensor

/// `latent score`: how likely a latent-variable model finds examples of the user's own.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Log-likelihood of your own images (PNG, .npy) or points (.npy, .csv) under a trained VAE, IWAE or CVAE, per example.")

    @Option(name: .customLong("run"), help: "The run folder of a trained latent-variable model (vae, beta-vae, iwae, cvae).")
    var runFolder: String

    @Argument(help: "PNG files, folders whose .png files are all scored (sorted by name), .npy arrays of examples, .csv files of points.")
    var paths: [String]

    @Option(help: "Importance samples per image (the IWAE bound with k samples; more is tighter and slower).")
    var importanceSamples: Int = 1000

    @Option(help: "Class label of every image (cvae only).")
    var label: Int?

    @Option(help: "Seed of the importance samples.")
    var seed: UInt64 = 1

    @Option(help: "Also write one line per image to this .csv file (path, log_likelihood, bits_per_dim).")
    var out: String?

    @Flag(help: "Print the result as one JSON object on the last line.")
    var json = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one .png, .npy or .csv file, or a folder of PNGs, to score.") }
        guard importanceSamples >= 1 else { throw ValidationError("--importance-samples must be at least 1.") }
        if let out {
            guard out.lowercased().hasSuffix(".csv") else { throw ValidationError("--out writes a .csv file, got \(out).") }
            let folder = (out as NSString).deletingLastPathComponent
            guard FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
                throw ValidationError("--out \(out): the folder \(folder.isEmpty ? "." : folder) does not exist or cannot be written.")
            }
        }
    }

    func run() throws {
        try reportingErrors("score") {
            let scores = try score()
            print(scores.table)
            if let out {
                do {
                    try Data(scores.csv.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                } catch {
                    throw RunError("\(out): cannot write the scores: \(writeProblem(out, error))")
                }
            }
            if json { print(scores.json) }
        }
    }

    /// The scored examples.
    struct Scores {
        /// Each example's name (its file, and its row in an array), log p(x) in nats and bits
        /// per dimension.
        var examples: [(path: String, logLikelihood: Double, bitsPerDimension: Double)]
        /// What was measured, for the output.
        var protocolText: String
        var mean: Double { examples.map(\.logLikelihood).reduce(0, +) / Double(max(examples.count, 1)) }

        var table: String {
            let width = min(60, examples.map(\.path.count).max() ?? 7)
            var lines = ["example".padding(toLength: width, withPad: " ", startingAt: 0) + "  log p(x) nats  bits/dim"]
            for example in examples {
                lines.append(example.path.padding(toLength: max(width, example.path.count), withPad: " ", startingAt: 0)
                    + String(format: "  %13.2f  %8.4f", example.logLikelihood, example.bitsPerDimension))
            }
            lines.append(String(format: "mean log p(x) %.2f nats over %d examples; %@", mean, examples.count, protocolText))
            return lines.joined(separator: "\n")
        }

        var csv: String {
            "path,log_likelihood,bits_per_dim\n" + examples.map {
                "\(Self.csvField($0.path)),\($0.logLikelihood),\($0.bitsPerDimension)"
            }.joined(separator: "\n") + "\n"
        }

        var json: String {
            let rows: [String] = examples.map { image in
                let fields: [(String, MetricValue)] = [
                    ("path", .text(image.path)), ("log_likelihood", .number(image.logLikelihood)),
                    ("bits_per_dim", .number(image.bitsPerDimension)),
                ]
                return JSONText.object(fields)
            }
            let summary: [(String, MetricValue)] = [
                ("mean_log_likelihood", .number(mean)), ("count", .integer(examples.count)), ("protocol", .text(protocolText)),
            ]
            return "{\"examples\": [" + rows.joined(separator: ", ") + "], " + String(JSONText.object(summary).dropFirst())
        }

        private static func csvField(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
    }

    /// Loads the run and the examples and estimates each one's log p(x).
    func score() throws -> Scores {
        let trained = try TrainedRun(path: runFolder)
        guard case .variational(let model) = trained.model, model.configuration.kind != .ae else {
            let held = trained.configuration.model
            throw RunError("\(runFolder) holds \("aeiou".contains(held.prefix(1)) ? "an" : "a") \(held), which defines no "
                + "likelihood p(x); latent score needs a vae, beta-vae, iwae or cvae run")
        }
        let configuration = model.configuration
        let shape = configuration.imageShape
        if configuration.isConditional {
            guard let label else { throw RunError("\(runFolder) holds a cvae: give every example's class with --label") }
            guard (0..<configuration.classCount).contains(label) else {
                throw RunError("--label \(label) is not a class of \(runFolder) (0..<\(configuration.classCount))")
            }
        } else if label != nil {
            throw RunError("--label is for cvae runs; \(runFolder) holds a \(trained.configuration.model)")
        }
        let (names, examples) = try Self.examples(paths, shape: shape, runFolder: runFolder)
        guard !names.isEmpty else { throw RunError("\(paths.joined(separator: ", ")): no examples to score") }
        let binarised = (trained.configuration.variationalTraining?.dataProtocol ?? .intensities) != .intensities
        if configuration.likelihood.requiresUnitInterval || binarised,
           let outside = examples.firstIndex(where: { $0 < 0 || $0 > 1 })
        {
            let name = names[outside / configuration.featureCount]
            let why = binarised ? "the run was trained on binarised data" : "the run's \(configuration.likelihood.rawValue) decoder"
            throw RunError("\(name) has values outside [0, 1] (\(examples[outside])); \(why) scores grey levels "
                + "in [0, 1] (divide by 255, or save the array as uint8)")
        }
        var data = Dataset(
            name: "scored", examples: Tensor(shape: [names.count] + shape, scalars: examples),
            labels: label.map { [Int](repeating: $0, count: names.count) },
            classCount: configuration.isConditional ? configuration.classCount : nil,
            valueRange: (examples.min() ?? 0)...(examples.max() ?? 0))
        var protocolText = "importance sampling with k = \(importanceSamples)"
        if binarised {
            // The model was trained on binary images: score the binarisation `latent eval` gives
            // its test set (a fixed seed; each pixel on with probability its grey level).
            data = VariationalTrainer.binarizedTestSet(data)
            protocolText += ", examples binarised as latent eval binarises the test set (pixel on with probability its grey level)"
        }
        let progress = ProgressReporter(total: data.count, label: "score k=\(importanceSamples)")
        let logLikelihoods = ImportanceSampledLikelihood.estimate(
            model, on: data, samples: importanceSamples, seed: seed
        ) { progress.update(step: $0, values: []) }
        let dimensions = Double(configuration.featureCount)
        return Scores(
            examples: zip(names, logLikelihoods).map { ($0, Double($1), -Double($1) / (dimensions * log(2))) },
            protocolText: protocolText)
    }

    /// The examples named by `paths`, each of the model's `shape`, with a name for each: PNG
    /// files and folders of them (grey levels in [0, 1]; image models only), `.npy` arrays of
    /// one example or of `[count] + shape` (uint8 arrays are divided by 255; `[count, height,
    /// width]` for one-channel images), and `.csv` files of points (`PointsCSV`; point models).
    static func examples(_ paths: [String], shape: [Int], runFolder: String) throws -> (names: [String], scalars: [Float]) {
        let size = shape.reduce(1, *)
        let isImage = shape.count == 3 && (shape[0] == 1 || shape[0] == 3)
        var names: [String] = [], scalars: [Float] = []
        func append(_ tensor: Tensor, from file: String) throws {
            var rows = tensor.shape
            let oneChannelImage = isImage && shape[0] == 1
            // One example: the model's shape, or [height, width] for one-channel images.
            if rows == shape || oneChannelImage && rows == Array(shape.dropFirst()) { rows = [1] + shape }
            if oneChannelImage, rows.count == 3, Array(rows.dropFirst()) == Array(shape.dropFirst()) {
                rows = [rows[0]] + shape
            }
            guard rows.count == shape.count + 1, Array(rows.dropFirst()) == shape else {
                throw RunError("\(file) holds an array of shape \(tensor.shape); the model reads examples of shape "
                    + "\(shape) (an array of [count] + \(shape), or one example)")
            }
            names += rows[0] == 1 && tensor.shape.count < rows.count ? [file] : (0..<rows[0]).map { "\(file)[\($0)]" }
            scalars += tensor.scalars
        }
        for path in paths {
            let lower = path.lowercased()
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw RunError("\(path): no such file or folder")
            }
            if isFolder.boolValue || lower.hasSuffix(".png") {
                guard isImage else {
                    throw RunError("\(path): \(runFolder) models examples of shape \(shape), not images; "
                        + "give them as .npy or .csv")
                }
                let files = isFolder.boolValue ? ImageFolder.pngFiles(in: path) : [path]
                guard !files.isEmpty else { throw RunError("\(path): no .png files in the folder") }
                for file in files {
                    let image = try PNGImage(contentsOf: file)
                    guard image.height == shape[1], image.width == shape[2] else {
                        throw RunError("\(file) is \(image.width)x\(image.height); the model reads \(shape[2])x\(shape[1]) images")
                    }
                    // An alpha channel that is not fully opaque would be dropped, changing the image.
                    if image.channels == 2 || image.channels == 4,
                       stride(from: image.channels - 1, to: image.pixels.count, by: image.channels).contains(where: { image.pixels[$0] != 255 })
                    {
                        throw RunError("\(file) has transparent pixels; flatten it onto its background first")
                    }
                    let colours = image.channels >= 3
                    // An RGB file whose pixels are all grey (a grey palette, say) is a grey image.
                    let grey = !colours || (0..<(image.width * image.height)).allSatisfy { pixel in
                        let base = pixel * image.channels
                        return image.pixels[base] == image.pixels[base + 1] && image.pixels[base] == image.pixels[base + 2]
                    }
                    guard shape[0] == 3 ? colours : grey else {
                        throw RunError("\(file) is \(colours ? "colour" : "grey"); the model reads "
                            + "\(shape[0] == 3 ? "colour (RGB)" : "grey") images")
                    }
                    names.append(file)
                    scalars += ImageFolder.examples([image], channels: shape[0]).scalars
                }
            } else if lower.hasSuffix(".npy") {
                let (tensor, type) = try NPY.read(path)
                // Bytes of an image are grey levels 0…255, divided as PNG and IDX loading divide.
                try append(type == .uint8 && isImage ? Tensor(shape: tensor.shape, scalars: tensor.scalars.map { $0 / 255 }) : tensor,
                           from: path)
            } else if lower.hasSuffix(".csv") {
                try append(PointsCSV.load(path), from: path)
            } else {
                throw RunError("\(path): latent score reads .png images (or folders of them), .npy arrays and .csv points")
            }
        }
        precondition(scalars.count == names.count * size)
        return (names, scalars)
    }
}
