import Foundation
import LatentData
import LatentNN
import LatentTensor

/// The pictures of an adversarial run: a sample grid from a fixed noise batch for images, a
/// scatter of samples over data for 2-D points.
public enum AdversarialPictures {
    /// The fixed generator input of the sample grids: one row per class (cgan) or category
    /// (infogan), ten columns; 64 samples otherwise. The same for every step of a run.
    public static func fixedInput(model: AdversarialNetwork, seed: UInt64) -> (input: Tensor, columns: Int) {
        let configuration = model.configuration
        var random = SplitMix64(seed: seed).derived(0xF1_7ED)
        let rows = configuration.isConditional ? configuration.classCount : configuration.categoricalCode
        if rows > 0 && rows <= 16 {
            let count = rows * 10
            let perRow = (0..<count).map { $0 / 10 }
            let codes = GeneratorCodes(
                labels: configuration.isConditional ? perRow : nil,
                categories: configuration.categoricalCode > 0 ? perRow : nil)
            return (model.generatorInput(count: count, codes: codes, using: &random).input, 10)
        }
        let labels = configuration.isConditional
            ? (0..<64).map { $0 % configuration.classCount } : nil
        return (model.generatorInput(count: 64, codes: GeneratorCodes(labels: labels), using: &random).input, 8)
    }

    /// Writes `samples-step-NNNNNN.png` (or `samples.png` when `step` is nil) for images, and
    /// `scatter-step-NNNNNN.png` / `scatter.png` of 2,500 samples over 2,500 data points for
    /// 2-D data, with the final scatter's samples as `samples.npy` `[2500, 2]`.
    ///
    /// - Parameters:
    ///   - data: the training data in model space.
    /// - Returns: the picture written, or `nil` for data that is neither images nor 2-D points.
    @discardableResult
    public static func write(
        model: AdversarialNetwork, data: Dataset, folder: RunFolder, seed: UInt64, step: Int?
    ) throws -> RunPicture? {
        let suffix = step.map { String(format: "-step-%06d", $0) } ?? ""
        if model.configuration.isImage {
            let (input, columns) = fixedInput(model: model, seed: seed)
            let image = ImageGrid.render(model.sample(input: input), columns: columns, valueRange: 0...1)
            return try RunPicture.write(image, to: folder.file("samples\(suffix).png"))
        } else if model.configuration.exampleShape == [2] {
            var random = SplitMix64(seed: seed).derived(0x5CA7)
            let count = 2500
            let labels = model.configuration.isConditional
                ? (0..<count).map { $0 % model.configuration.classCount } : nil
            let samples = model.sample(count: count, labels: labels, using: &random)
            let shown = data.subset(0..<min(count, data.count)).examples
            let scatter = ScatterPlot.comparing(data: model.toDataSpace(shown), samples: samples)
            let picture = try RunPicture.write(scatter, to: folder.file("scatter\(suffix).png"))
            if step == nil {
                // The final scatter's points, for mode-coverage scoring with any tool.
                do {
                    try NPY.write(samples, to: folder.file("samples.npy").path)
                } catch {
                    throw RunError("cannot write \(folder.file("samples.npy").path): \(error)")
                }
            }
            return picture
        }
        return nil
    }
}
