import Foundation
import LatentData
import LatentDistributed
import LatentNN
import LatentOptimizers
import LatentTensor
import TestSupport
import XCTest

// The Swift blocks of docs/distributed.md, run. `testGuideMatchesThisFile` checks that every
// block of the page appears here line for line.

/// One epoch of a loop of one's own, data-parallel over `world`: each rank fits its share of
/// every batch, and the update uses the whole batch's gradient.
func trainEpoch(_ model: Linear, _ optimizer: Adam, _ loader: DataLoader, epoch: Int, world: any ProcessGroup) {
    for batch in loader.batches(epoch: epoch) {
        let count = batch.examples.shape[0], rows = world.share(of: count)
        let x = batch.examples.sliced(rows, alongAxis: 0)
        let loss = (model(x) - x).squared().mean()
        let gradients = loss.gradients(withRespectTo: model.parameters.map(\.value))
        let weight = Float(rows.count) / Float(count)
        optimizer.update(model.parameters, with: world.combinedGradients(gradients, weight: weight))
    }
}

/// The page's second block as one rank runs it, on `data`; returns the final weights.
func trainOnRank(_ data: LatentData.Dataset, world: any ProcessGroup) -> [[Float]] {
    var random = SplitMix64(seed: 1)
    let model = Linear(inputFeatures: 6, outputFeatures: 6, using: &random)
    world.synchronize(model)  // rank 0's weights on every rank
    let optimizer = Adam(learningRate: 0.01)
    let loader = DataLoader(dataset: data, batchSize: 16, dropsLast: true, seed: 1)
    for epoch in 0..<10 { trainEpoch(model, optimizer, loader, epoch: epoch, world: world) }
    return model.parameters.map(\.value.scalars)
}

final class DistributedGuideTests: XCTestCase {
    /// 96 points in [0, 1]^6.
    static let data: LatentData.Dataset = {
        var random = SplitMix64(seed: 4)
        return Dataset(name: "points", examples: Tensor(randomUniform: [96, 6], using: &random), valueRange: 0...1)
    }()

    func testTheGuidesLoopOnTwoRanksMatchesOneProcess() throws {
        let data = Self.data
        let single = trainOnRank(data, world: SingleProcessGroup())
        let ranks = LocalProcessGroup.run(size: 2) { group in trainOnRank(data, world: group) }
        XCTAssertEqual(ranks[0], ranks[1])
        for (got, expected) in zip(ranks[0], single) {
            XCTAssertTrue(Close.scalars(got, expected, tolerance: 1e-4), "\(got) against \(expected)")
        }
        // The loop trained: the weights moved from where they started.
        var random = SplitMix64(seed: 1)
        let start = Linear(inputFeatures: 6, outputFeatures: 6, using: &random).parameters.map(\.value.scalars)
        XCTAssertNotEqual(start, single)
    }

    /// The page's Swift blocks, normalised, each appear in this file.
    func testGuideMatchesThisFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let guide = try String(contentsOf: root.appendingPathComponent("docs/distributed.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let blocks = guide.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        XCTAssertEqual(blocks.count, 2)
        let sourceLines = Self.normalized(source)
        for block in blocks {
            let lines = Self.normalized(block)
            let found = sourceLines.indices.contains { start in
                start + lines.count <= sourceLines.count && Array(sourceLines[start..<start + lines.count]) == lines
            }
            XCTAssertTrue(found, "docs/distributed.md's block starting \(lines.first ?? "") is not in this file")
        }
    }

    /// Lines without indentation, blank lines, the page-only `let world`/`defer` pair (the test
    /// runs the rest inside functions) and trailing comments.
    static func normalized(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "let world = try MPIProcessGroup.world()" && $0 != "defer { MPIProcessGroup.finish() }" }
            .map { line in line.components(separatedBy: "  //")[0] }
    }
}
