import ArgumentParser
import Foundation
import LatentData
import LatentModels
import LatentTensor

/// `latent reconstruct`: test images above their reconstructions.
struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Encode and decode test images; write originals above reconstructions (PNG).")

    @Option(name: .customLong("run"), help: "The run folder of a trained latent-variable model.")
    var runFolder: String

    @Option(help: "How many test images.")
    var count: Int = 16

    @Option(help: "Output PNG file.")
    var out: String

    @Option(help: "Folder holding the dataset files.")
    var dataDir: String?

    @Flag(help: "Print the result as one JSON object on the last line (out, format, count, shape, width, height).")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive.") }
        try OutputFormat.requirePNG(out)
    }

    func run() throws {
        try reportingErrors("reconstruct") {
            let trained = try TrainedRun(path: runFolder)
            let model = try trained.variationalModel(for: "reconstruct")
            guard VariationalPictures.isImage(model) else { throw RunError("the data of \(runFolder) are not images") }
            let test = try RunData.test(of: trained, dataDirectory: dataDir)
            let grid = VariationalPictures.reconstructions(model: model, data: test, count: count)
            let picture = ImageGrid.render(grid, columns: min(16, count))
            try picture.write(to: out)
            print("wrote \(min(count, test.count)) test images and their reconstructions to \(out)")
            if json { print(WrittenOutput(out: out, count: min(count, test.count), shape: grid.shape, picture: picture).json) }
        }
    }
}

/// `latent interpolate`: a path in latent space between two test images.
struct InterpolateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpolate",
        abstract: "Decode points between two test images' codes (linear, or spherical with --spherical).")

    @Option(name: .customLong("run"), help: "The run folder of a trained latent-variable model.")
    var runFolder: String

    @Option(help: "Index of the first test image.")
    var from: Int = 0

    @Option(help: "Index of the second test image.")
    var to: Int = 1

    @Option(help: "Points on the path, both ends included.")
    var steps: Int = 10

    @Flag(help: "Spherical interpolation (slerp) instead of linear.")
    var spherical = false

    @Option(help: "Output PNG file.")
    var out: String

    @Option(help: "Folder holding the dataset files.")
    var dataDir: String?

    @Flag(help: "Print the result as one JSON object on the last line (out, format, count, shape, width, height).")
    var json = false

    func validate() throws {
        guard steps >= 2 else { throw ValidationError("--steps must be at least 2.") }
        guard from >= 0, to >= 0 else { throw ValidationError("--from and --to are test-set indices (0 or more).") }
        try OutputFormat.requirePNG(out)
    }

    func run() throws {
        try reportingErrors("interpolate") {
            let trained = try TrainedRun(path: runFolder)
            let model = try trained.variationalModel(for: "interpolate")
            guard VariationalPictures.isImage(model) else { throw RunError("the data of \(runFolder) are not images") }
            try ImageOutput.checkGrid(count: steps + 2, exampleShape: model.configuration.imageShape, columns: steps + 2)
            let test = try RunData.test(of: trained, dataDirectory: dataDir)
            guard from < test.count, to < test.count else {
                throw RunError("--from \(from) / --to \(to): the test set has \(test.count) examples")
            }
            let path = VariationalPictures.interpolation(model: model, data: test, from: from, to: to, steps: steps, spherical: spherical)
            let ends = test.examples.gathered(indices: [from, to], alongAxis: 0)
            // The two originals frame the decoded path.
            let row = Tensor.concatenate([ends.sliced(0..<1, alongAxis: 0), path, ends.sliced(1..<2, alongAxis: 0)], alongAxis: 0)
            let picture = ImageGrid.render(row, columns: steps + 2)
            try picture.write(to: out)
            print("wrote a \(spherical ? "spherical" : "linear") interpolation of \(steps) steps between test images \(from) and \(to) to \(out)")
            if json { print(WrittenOutput(out: out, count: steps, shape: row.shape, picture: picture).json) }
        }
    }
}

/// `latent traverse`: one row per latent dimension, that coordinate swept over [−3, 3].
struct TraverseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traverse",
        abstract: "Latent traversals: one row per latent dimension; for 2-D latents also the manifold and the codes of the test set.")

    @Option(name: .customLong("run"), help: "The run folder of a trained latent-variable model.")
    var runFolder: String

    @Option(help: "Output PNG file (the traversal grid).")
    var out: String

    @Option(help: "Images per row.")
    var steps: Int = 10

    @Option(help: "Label for a conditional model.")
    var label: Int?

    @Option(help: "Folder holding the dataset files (for the 2-D code scatter).")
    var dataDir: String?

    @Flag(help: "Print the result as one JSON object on the last line (out, format, count, shape, width, height, and the files of a 2-D latent space).")
    var json = false

    func validate() throws {
        guard steps >= 2 else { throw ValidationError("--steps must be at least 2.") }
        try OutputFormat.requirePNG(out)
    }

    func run() throws {
        try reportingErrors("traverse") {
            let trained = try TrainedRun(path: runFolder)
            let model = try trained.variationalModel(for: "traverse")
            guard VariationalPictures.isImage(model) else { throw RunError("the data of \(runFolder) are not images") }
            let configuration = model.configuration
            if let label, !(0..<configuration.classCount).contains(label) || !configuration.isConditional {
                throw RunError(configuration.isConditional
                    ? "--label \(label) is not a class of the model in \(runFolder) (0..<\(configuration.classCount))"
                    : "--label: the model in \(runFolder) is not conditional")
            }
            try ImageOutput.checkGrid(
                count: configuration.latentDimension * steps, exampleShape: configuration.imageShape, columns: steps)
            // A 2-D latent space also gets the codes of the test set: checked before anything is written.
            let test = configuration.latentDimension == 2
                ? try RunData.test(of: trained, dataDirectory: dataDir) : nil
            let traversal = VariationalPictures.traversal(model: model, steps: steps, label: label)
            let picture = ImageGrid.render(traversal, columns: steps)
            try picture.write(to: out)
            print("wrote \(model.configuration.latentDimension) traversal rows to \(out)")
            var written = WrittenOutput(out: out, count: configuration.latentDimension, shape: traversal.shape, picture: picture)
            if let test {
                let base = URL(fileURLWithPath: out).deletingPathExtension().path
                try ImageGrid.render(VariationalPictures.manifold(model: model, size: 20), columns: 20).write(to: base + "-manifold.png")
                try VariationalPictures.codeScatter(model: model, data: test).write(to: base + "-codes.png")
                print("wrote the decoded manifold to \(base)-manifold.png and the test codes by label to \(base)-codes.png")
                written.files = [base + "-manifold.png", base + "-codes.png"]
            }
            if json { print(written.json) }
        }
    }
}
