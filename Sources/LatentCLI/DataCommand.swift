import ArgumentParser
import Foundation
import LatentData
import LatentModels
import LatentTensor

/// `latent data`: inspect datasets, draw them, and sample the toy distributions.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect datasets, draw image grids and sample toy distributions.",
        discussion:
            "Datasets: \(DataSource.validForms). Toys: \(ToyDistribution.names.joined(separator: ", ")).",
        subcommands: [DataInfoCommand.self, DataGridCommand.self, DataSampleCommand.self])
}

/// `latent data info <dataset>`: counts, shape, value range, classes and checksum status.
struct DataInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print counts, shape, value range and checksum status.")

    @Argument(help: "Dataset: \(DataSource.validForms).")
    var dataset: String

    @Option(help: "Which part to describe.")
    var split: DataSplit = .train

    @Option(
        help:
            "Folder holding the dataset files (default: LATENT_DATA_DIR, then Data/ beside the executable or the current directory)."
    )
    var dataDir: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        try reportingDataErrors("info") {
            let summary = try DataSource(parsing: dataset).summary(split, dataDirectory: dataDir)
            print(json ? summary.json : summary.text)
        }
    }
}

/// `latent data grid <dataset>`: the first examples as an image grid (or a scatter plot of
/// 2-D points).
struct DataGridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "Write the first examples as a PNG image grid (2-D points: a scatter plot).")

    @Argument(help: "Dataset: \(DataSource.validForms).")
    var dataset: String

    @Option(help: "How many examples to draw.")
    var count = 64

    @Option(help: "Tiles per row (default: the square root of the count).")
    var columns: Int?

    @Option(help: "Pixels between tiles.")
    var padding = 2

    @Option(help: "Which part to draw.")
    var split: DataSplit = .train

    @Option(help: "The PNG file to write.")
    var out = "grid.png"

    @Option(help: "Folder holding the dataset files.")
    var dataDir: String?

    @Flag(help: "Print the result as one JSON object on the last line (out, format, count, shape, width, height).")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive.") }
        guard count <= ToyDistribution.maximumSampleCount else {
            throw ValidationError("--count must be at most \(ToyDistribution.maximumSampleCount).")
        }
        guard padding >= 0 else { throw ValidationError("--padding must not be negative.") }
        if let columns, columns <= 0 { throw ValidationError("--columns must be positive.") }
        try OutputFormat.requirePNG(out)
    }

    func run() throws {
        try reportingDataErrors("grid") {
            let source = try DataSource(parsing: dataset)
            let loaded = try source.load(split, dataDirectory: dataDir, toyCount: max(count, 1))
            let shown = loaded.subset(0..<min(count, loaded.count))
            let image: PNGImage
            if shown.exampleShape == [2] {
                var plot = ScatterPlot()
                plot.add(shown.examples, color: .data)
                image = plot.rendered()
            } else {
                let shape = shown.exampleShape
                guard shape.count == 2 || (shape.count == 3 && (shape[0] == 1 || shape[0] == 3)) else {
                    throw RunError(
                        "\(dataset): examples of shape \(shape) are neither images nor 2-D points; "
                            + "`latent data info` describes them")
                }
                try ImageGrid.checkSize(count: shown.count, imageShape: shape, columns: columns, padding: padding)
                image = ImageGrid.render(
                    shown.examples, columns: columns, padding: padding,
                    valueRange: shown.valueRange)
            }
            try image.write(to: out)
            print(
                "wrote \(out): \(shown.count) examples of \(loaded.name), \(image.width)x\(image.height)"
            )
            if json {
                print(WrittenOutput(out: out, count: shown.count, shape: shown.examples.shape, picture: image).json)
            }
        }
    }
}

/// `latent data sample <toy>`: points from a toy distribution as CSV or `.npy`, with an
/// optional scatter plot.
struct DataSampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Draw points from a 2-D toy distribution.")

    @Argument(
        help:
            "Toy: \(ToyDistribution.names.joined(separator: ", ")), optionally toy:<name>?key=value&..."
    )
    var toy: String

    @Option(help: "How many points.")
    var count = 1000

    @Option(help: "Seed of the draw.")
    var seed: UInt64 = 0

    @Option(help: "Output file: .csv (x,y per line) or .npy.")
    var out = "points.csv"

    @Option(help: "Also write a scatter plot to this PNG file.")
    var plot: String?

    @Flag(help: "Print the result as one JSON object on the last line (out, format, count, shape, files).")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive.") }
        guard count <= ToyDistribution.maximumSampleCount else {
            throw ValidationError("--count must be at most \(ToyDistribution.maximumSampleCount).")
        }
        guard ["csv", "npy"].contains(URL(fileURLWithPath: out).pathExtension.lowercased()) else {
            throw ValidationError("--out must end in .csv (x,y per line) or .npy (a NumPy array), got '\(out)'")
        }
        if let plot { try OutputFormat.requirePNG(plot, option: "--plot") }
    }

    func run() throws {
        try reportingDataErrors("sample") {
            let name = toy.hasPrefix("toy:") ? String(toy.dropFirst(4)) : toy
            let distribution = try ToyDistribution(parsing: name)
            var generator = SplitMix64(seed: seed)
            let points = distribution.sample(count: count, using: &generator)
            if URL(fileURLWithPath: out).pathExtension.lowercased() == "npy" {
                try NPY.write(points, to: out)
            } else {
                try writeText(PointsCSV.encode(points), to: out)
            }
            if let plot {
                var scatter = ScatterPlot()
                scatter.add(points, color: .data)
                try scatter.rendered().write(to: plot)
            }
            print(
                "wrote \(count) points of toy:\(name) to \(out)" + (plot.map { " and \($0)" } ?? "")
            )
            if json {
                print(WrittenOutput(out: out, count: count, shape: points.shape, picture: nil, files: plot.map { [$0] }).json)
            }
        }
    }
}

extension DataSplit: ExpressibleByArgument {}
