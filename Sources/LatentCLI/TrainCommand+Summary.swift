import Foundation
import LatentModels

extension TrainCommand {
    /// The pictures a variational run may leave, with what each shows.
    static let variationalFiles: [(name: String, content: String)] = [
        ("report.html", "open in a browser: curves, samples, reconstructions"),
        ("samples.png", "samples from the prior (on 2-D points: over the test data)"),
        ("reconstructions.png", "test images (odd rows) and their reconstructions"),
        ("interpolation.png", "decoded path between two test images' codes"),
        ("manifold.png", "decoded grid over the 2-D latent space"),
    ]

    /// The pictures an adversarial run may leave, with what each shows.
    static let adversarialFiles: [(name: String, content: String)] = [
        ("report.html", "open in a browser: losses, D outputs, gradient norms, pictures"),
        ("samples.png", "sample grid from a fixed noise batch"),
        ("scatter.png", "2,500 samples (orange) over data (blue)"),
        ("samples.npy", "the scatter's samples"),
    ]

    /// The end-of-training summary of `folder`: the files of `files` that the run left (a
    /// 2-D run has no reconstructions, for one), then the checkpoint and records.
    static func folderSummary(_ folder: RunFolder, files: [(name: String, content: String)]) -> String {
        var lines = ["Run folder: \(folder.url.path)"]
        for (name, content) in files where FileManager.default.fileExists(atPath: folder.file(name).path) {
            lines.append("  " + name.padding(toLength: 21, withPad: " ", startingAt: 0) + content)
        }
        lines.append("  checkpoint.safetensors, optimizer.safetensors, metrics.jsonl, config.json")
        let parent = folder.url.deletingLastPathComponent().path
        lines.append("  events.out.tfevents.*  curves and samples for TensorBoard: tensorboard --logdir \(parent)")
        return lines.joined(separator: "\n") + "\n\n"
    }
}
