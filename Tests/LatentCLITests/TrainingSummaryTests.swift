import Foundation
import Testing

@testable import LatentCLI
@testable import LatentModels

/// The end-of-training summary names the pictures the run left, and only those.
@Suite("Training summary")
struct TrainingSummaryTests {
    @Test func onlyTheFilesARunLeftAreListed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-summary-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let points = folder + "/points"
        let train = ["vae", "--dataset", "toy:ring8", "--epochs", "1", "--training-limit", "64", "--hidden", "8",
                     "--latent", "2", "--likelihood", "gaussian", "--out", points]
        try TrainCommand.parse(train).run(invocation: train)
        let summary = TrainCommand.folderSummary(try RunFolder(existing: points), files: TrainCommand.variationalFiles)
        #expect(summary.contains("report.html") && summary.contains("samples.png"))
        #expect(!summary.contains("reconstructions.png") && !summary.contains("interpolation.png"))
        #expect(!summary.contains("manifold.png"))

        let images = folder + "/images"
        let trainImages = ["vae", "--epochs", "1", "--training-limit", "32", "--test-limit", "16", "--hidden", "8",
                           "--latent", "2", "--out", images]
        try TrainCommand.parse(trainImages).run(invocation: trainImages)
        let imageSummary = TrainCommand.folderSummary(try RunFolder(existing: images), files: TrainCommand.variationalFiles)
        for name in ["samples.png", "reconstructions.png", "interpolation.png", "manifold.png"] {
            #expect(imageSummary.contains("  \(name) "), "\(name)")
        }
    }
}
