import ArgumentParser
import Foundation
import LatentData
import LatentModels
import LatentTensor

/// `latent sample`: new examples from a trained model.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw samples from a trained model into a PNG grid or a .npy array.")

    @Option(name: .customLong("run"), help: "The run folder of a trained model.")
    var runFolder: String

    @Option(help: "How many samples.")
    var count: Int = 64

    @Option(help: "Output file: .png (an image grid, or a scatter plot of 2-D points), .npy (array in the data's layout and range) or .csv (2-D points).")
    var out: String

    @Option(help: "Class label to condition on (conditional models only).")
    var label: Int?

    @Option(help: "Scale of the prior's noise: a VAE's standard deviation, a GAN's noise (the truncation trick); below 1: more typical, less varied samples.")
    var temperature: Float = 1

    @Option(help: "Adversarial models: keep this fraction (0.01 to 1) of noise draws, those where the generator's Jacobian norm is smallest (Jacobian-based truncation, Tanielian et al. 2020; 1: every draw).")
    var jacobianKeep: Float = 1

    @Option(help: "Tiles per row of the PNG grid.")
    var columns: Int?

    @Option(help: "Seed of the sampling noise.")
    var seed: UInt64 = 1

    @Option(help: "InfoGAN: fix the categorical code, as c=3.")
    var code: String?

    @Option(help: "InfoGAN: sweep one continuous code over [-2, 2] (c1, c2, …) in 10 steps: rows are categories (one with --code), columns the sweep; --count does not apply.")
    var vary: String?

    @Flag(help: "Print the result as one JSON object on the last line (out, format, count, shape, width, height).")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive.") }
        guard temperature > 0 && temperature.isFinite else {
            throw ValidationError("--temperature must be positive and finite.")
        }
        guard jacobianKeep >= 0.01 && jacobianKeep <= 1 else { throw ValidationError("--jacobian-keep must be in [0.01, 1].") }
        if jacobianKeep != 1 && vary != nil { throw ValidationError("--vary holds the noise fixed; it does not combine with --jacobian-keep.") }
        if let columns, columns <= 0 { throw ValidationError("--columns must be positive.") }
        _ = try OutputFormat(path: out)
    }

    func run() throws {
        try reportingErrors("sample") {
            let written = try write()
            if json { print(written.json) }
        }
    }

    /// Draws the samples, writes them and says so; returns what was written.
    func write() throws -> WrittenOutput {
        let trained = try TrainedRun(path: runFolder)
        var generator = SplitMix64(seed: seed)
        if case .classifier = trained.model {
            // Refused below: a classifier draws no samples.
        } else {
            let shape = trained.exampleShape
            // A typo in --count is refused before the samples are drawn.
            let bytes = Double(count) * shape.reduce(4.0) { $0 * Double($1) }
            guard bytes <= WeightSizeLimit.bytes else {
                throw RunError(String(format: "--count %d samples of shape %@ would take %.1f GiB, more than the 16 GiB allowed",
                                      count, "\(shape)", bytes / 1024 / 1024 / 1024))
            }
            switch try OutputFormat(path: out) {
            case .png where shape != [2]:
                try ImageOutput.checkGrid(count: count, exampleShape: shape, columns: columns)
            case .csv where shape != [2]:
                throw RunError("--out \(out): a .csv holds 2-D points; the samples of \(runFolder) have shape \(shape) "
                    + "(write a .png or .npy)")
            default: break
            }
        }
        let images: Tensor
        switch trained.model {
        case .variational(let model):
            guard jacobianKeep == 1 else {
                throw RunError("--jacobian-keep truncates a generator's noise; \(runFolder) holds a \(trained.configuration.model)")
            }
            guard code == nil && vary == nil else {
                throw RunError("--code and --vary are for InfoGAN runs; \(runFolder) holds a \(trained.configuration.model)")
            }
            let labels = try conditioningLabels(isConditional: model.configuration.isConditional,
                                                classCount: model.configuration.classCount)
            images = VariationalPictures.samples(model: model, count: count, labels: labels,
                                                 temperature: temperature, using: &generator)
        case .adversarial(let model):
            images = try adversarialSamples(model, using: &generator)
        case .classifier:
            throw RunError("\(runFolder) holds a classifier, which does not generate; sample from a generative model's run")
        }
        // A traversal's rows are its categories and its columns the sweep's ten steps.
        let picture = try ImageOutput.write(
            images, to: out, columns: columns ?? (vary != nil ? Self.traversalSteps : nil), valueRange: 0...1)
        print("wrote \(images.shape[0]) samples to \(out)")
        return WrittenOutput(out: out, count: images.shape[0], shape: images.shape, picture: picture)
    }

    /// The steps of a `--vary` sweep over [−2, 2].
    static let traversalSteps = 10

    /// Samples of an adversarial model; for InfoGAN, `--code` fixes the category and `--vary`
    /// makes a traversal grid of one continuous code.
    private func adversarialSamples(_ model: AdversarialNetwork, using generator: inout SplitMix64) throws -> Tensor {
        let configuration = model.configuration
        let labels = try conditioningLabels(isConditional: configuration.classCount > 0, classCount: configuration.classCount)
        guard code != nil || vary != nil else {
            return model.sample(count: count, labels: labels, temperature: temperature, jacobianKeep: jacobianKeep,
                                using: &generator)
        }
        guard configuration.categoricalCode > 0 else {
            throw RunError("--code and --vary are for InfoGAN runs; \(runFolder) holds a \(configuration.kind.rawValue)")
        }
        var category: Int?
        if let code {
            guard code.hasPrefix("c="), let value = Int(code.dropFirst(2)), (0..<configuration.categoricalCode).contains(value) else {
                throw RunError("--code takes c=<category> with a category in 0..<\(configuration.categoricalCode), got '\(code)'")
            }
            category = value
        }
        guard let vary else {
            return model.sample(count: count, labels: labels, categories: [Int](repeating: category!, count: count),
                                temperature: temperature, jacobianKeep: jacobianKeep, using: &generator)
        }
        guard vary.hasPrefix("c"), let index = Int(vary.dropFirst()), (1...configuration.continuousCodes).contains(index) else {
            throw RunError("--vary takes c1…c\(configuration.continuousCodes), got '\(vary)'")
        }
        let steps = Self.traversalSteps
        let categories = category.map { [$0] } ?? Array(0..<configuration.categoricalCode)
        var codes: [Float] = [], rows: [Int] = []
        for row in categories {
            for step in 0..<steps {
                var continuous = [Float](repeating: 0, count: configuration.continuousCodes)
                continuous[index - 1] = -2 + 4 * Float(step) / Float(steps - 1)
                codes += continuous
                rows.append(row)
            }
        }
        // One noise vector for the whole grid (as the InfoGAN paper's figures), so only the codes change.
        let drawn = model.generatorInput(
            count: rows.count,
            codes: GeneratorCodes(labels: labels.map { Array(repeating: $0[0], count: rows.count) }, categories: rows,
                                  continuous: Tensor(shape: [rows.count, configuration.continuousCodes], scalars: codes)),
            temperature: temperature, using: &generator).input
        let noiseSize = configuration.noiseDimension
        let noise = drawn.sliced(0..<1, alongAxis: 0).sliced(0..<noiseSize, alongAxis: 1).expanded(to: [rows.count, noiseSize])
        let input = Tensor.concatenate([noise, drawn.sliced(noiseSize..<drawn.shape[1], alongAxis: 1)], alongAxis: 1)
        return model.sample(input: input)
    }

    /// The labels to condition on: `--label` for every sample, or the classes in turn.
    private func conditioningLabels(isConditional: Bool, classCount: Int) throws -> [Int]? {
        guard isConditional else {
            if label != nil { throw RunError("--label: the model in \(runFolder) is not conditional") }
            return nil
        }
        if let label {
            guard (0..<classCount).contains(label) else {
                throw RunError("--label \(label) is not a class of the model in \(runFolder) (0..<\(classCount))")
            }
            return [Int](repeating: label, count: count)
        }
        return (0..<count).map { $0 % classCount }
    }
}

/// Writes samples by the file's extension: a PNG grid of images (a scatter plot of 2-D points), a
/// `.npy` array, or `.csv` points.
enum ImageOutput {
    /// Writes `images` to `path`; returns the picture for a PNG.
    @discardableResult
    static func write(_ images: Tensor, to path: String, columns: Int?, valueRange: ClosedRange<Float>) throws -> PNGImage? {
        let isPoints = images.rank == 2 && images.shape[1] == 2
        switch try OutputFormat(path: path) {
        case .npy:
            try NPY.write(images, to: path)
            return nil
        case .csv:
            guard isPoints else {
                throw RunError("these samples have shape \(images.shape) and are not 2-D points; write them to a .png or .npy file")
            }
            try writeText(PointsCSV.encode(images), to: path)
            return nil
        case .png where isPoints:
            // 2-D points: a scatter plot, as training draws them (orange on white).
            var plot = ScatterPlot()
            plot.add(images, color: .samples)
            let picture = plot.rendered()
            try picture.write(to: path)
            return picture
        case .png:
            guard images.rank == 4 || images.rank == 3 else {
                throw RunError("these samples have shape \(images.shape) and are not images; write them to a .npy file")
            }
            try checkGrid(count: images.shape[0], exampleShape: Array(images.shape.dropFirst()), columns: columns)
            let picture = ImageGrid.render(images, columns: columns, valueRange: valueRange)
            try picture.write(to: path)
            return picture
        }
    }

    /// Refuses a grid of `count` examples of `exampleShape` that would take more than
    /// ``ImageGrid/maximumByteCount`` (1 GiB: past it a count, a number of columns or a padding
    /// is taken for a typo), before anything is drawn.
    ///
    /// - Throws: ``RunError`` naming the grid's size in pixels and bytes.
    static func checkGrid(count: Int, exampleShape: [Int], columns: Int?, padding: Int = 2) throws {
        guard exampleShape.count == 3 || exampleShape.count == 2, count > 0 else { return }
        do {
            try ImageGrid.checkSize(count: count, imageShape: exampleShape, columns: columns, padding: padding)
        } catch {
            throw RunError("\(error)")
        }
    }
}

