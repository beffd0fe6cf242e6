import Foundation
import LatentDistributed
import LatentNN
import LatentOptimizers
import LatentTensor
import TestSupport
import XCTest

/// Batch normalisation with statistics summed over the ranks (SyncBatchNorm) against one process
/// normalising the whole batch.
final class SynchronizedBatchNormTests: XCTestCase {
    /// A batch split into shares of 2, 2 and 3 rows: each rank's outputs, statistics and
    /// gradients (weighed by its share) are the whole batch's, for its rows.
    func testRanksNormaliseAndDifferentiateAsTheWholeBatch() {
        var generator = SplitMix64(seed: 41)
        let batch = Tensor(randomNormal: [7, 3, 2, 2], mean: 0.5, standardDeviation: 2, using: &generator)
        let weights = Tensor(randomNormal: [7, 3, 2, 2], using: &generator)
        let scale = Tensor(randomNormal: [3], using: &generator)
        let offset = Tensor(randomNormal: [3], using: &generator)
        /// The output rows, statistics and gradients (input, scale, offset) of `rows` of the
        /// batch, with the loss a mean over those rows of the weighted outputs' row sums.
        @Sendable func normalise(_ rows: Range<Int>, across reduction: BatchStatisticsReduction?)
            -> (output: [Float], mean: [Float], variance: [Float], count: Int, gradients: [Tensor])
        {
            let leaves = [batch.sliced(rows, alongAxis: 0), scale, offset].map { $0.requiringGradient() }
            let normalized = leaves[0].batchNormalized(
                scale: leaves[1], offset: leaves[2], epsilon: 1e-5, across: reduction)
            let loss = (normalized.output * weights.sliced(rows, alongAxis: 0)).sum() / Float(max(rows.count, 1))
            return (normalized.output.scalars, normalized.mean.scalars, normalized.variance.scalars,
                    normalized.count, loss.gradients(withRespectTo: leaves))
        }
        let whole = normalise(0..<7, across: nil)
        let ranks = LocalProcessGroup.run(size: 3) { group in
            let rows = group.share(of: 7)
            let reduction = BatchStatisticsReduction { values in group.allReduceSum(values) }
            let part = normalise(rows, across: reduction)
            let weight = Float(rows.count) / 7
            return (rows, part, group.combinedGradients(Array(part.gradients[1...]), weight: weight).map(\.scalars))
        }
        for (rows, part, combined) in ranks {
            let rowValues = 12 * rows.lowerBound..<(12 * rows.upperBound)
            XCTAssertTrue(Close.scalars(part.output, Array(whole.output[rowValues]), tolerance: 1e-5), "rows \(rows)")
            XCTAssertTrue(Close.scalars(part.mean, whole.mean, tolerance: 1e-5))
            XCTAssertTrue(Close.scalars(part.variance, whole.variance, tolerance: 1e-5))
            XCTAssertEqual(part.count, 28)
            // The input gradient weighed by the share is the whole batch's for these rows.
            let weighted = (part.gradients[0] * (Float(rows.count) / 7)).scalars
            let expected = Array(whole.gradients[0].scalars[rowValues])
            XCTAssertTrue(Close.scalars(weighted, expected, tolerance: 1e-5), "\(weighted) against \(expected)")
            XCTAssertTrue(Close.scalars(combined[0], whole.gradients[1].scalars, tolerance: 1e-5))
            XCTAssertTrue(Close.scalars(combined[1], whole.gradients[2].scalars, tolerance: 1e-5))
        }
        // Without the reduction each share is normalised alone: the outputs differ.
        let alone = normalise(0..<2, across: nil)
        XCTAssertFalse(Close.scalars(alone.output, Array(whole.output[0..<24]), tolerance: 1e-2))
    }

    /// A rank without rows takes part in the sums (with a count of 0), and the others get the
    /// whole batch's outputs and, weighed by their shares, its gradients.
    func testARankWithoutRowsTakesPart() {
        // Three rows on four ranks: rank 0 takes none. (With two values per feature the
        // normalised values are ±1 whatever the input, and the input gradient is 0.)
        let batch = Tensor(shape: [3, 2], scalars: [1, 5, 3, -1, 2.5, 4])
        let weights = Tensor(shape: [3, 2], scalars: [0.5, -2, 1.5, 1, -1, 0.25])
        /// The outputs and input gradient of `rows`, the loss a mean over those rows.
        @Sendable func normalise(_ rows: Range<Int>, across reduction: BatchStatisticsReduction?) -> ([Float], [Float]) {
            let x = batch.sliced(rows, alongAxis: 0).requiringGradient()
            let output = x.batchNormalized(
                scale: Tensor([2, 1]), offset: Tensor(zeros: [2]), epsilon: 0, across: reduction).output
            let loss = (output * output * weights.sliced(rows, alongAxis: 0)).sum() / Float(max(rows.count, 1))
            let gradient = loss.gradients(withRespectTo: [x])[0]
            return (output.scalars, (gradient * (Float(rows.count) / 3)).scalars)
        }
        let whole = normalise(0..<3, across: nil)
        let ranks = LocalProcessGroup.run(size: 4) { group in
            normalise(group.share(of: 3), across: BatchStatisticsReduction { values in group.allReduceSum(values) })
        }
        XCTAssertEqual(ranks[0].0, [])
        XCTAssertEqual(ranks[0].1, [])
        let outputs = ranks.flatMap(\.0), gradients = ranks.flatMap(\.1)
        XCTAssertTrue(Close.scalars(outputs, whole.0, tolerance: 1e-5), "\(outputs) against \(whole.0)")
        XCTAssertTrue(Close.scalars(gradients, whole.1, tolerance: 1e-5), "\(gradients) against \(whole.1)")
        XCTAssertGreaterThan(whole.1.map(abs).max()!, 0.01, "a zero gradient tells nothing")
    }

    /// A small network with BatchNorm trained on three ranks with synchronised BatchNorm ends
    /// where one process training on the whole batches does (weights and running statistics);
    /// with each rank's own statistics it does not.
    func testThreeRanksWithSynchronizedBatchNormTrainAsOneProcess() {
        var generator = SplitMix64(seed: 5)
        let inputs = Tensor(randomNormal: [32, 4], using: &generator)
        let targets = (inputs.sliced(0..<1, alongAxis: 1) * 2).tanh()
        @Sendable func train(_ group: any ProcessGroup, synchronized: Bool) -> [[Float]] {
            var random = SplitMix64(seed: 9)
            // No bias before BatchNorm: its gradient is zero but for rounding, which Adam would
            // turn into steps of either sign.
            let model = Sequential([
                Linear(inputFeatures: 4, outputFeatures: 6, bias: false, using: &random),
                BatchNorm(featureCount: 6), ReLU(),
                Linear(inputFeatures: 6, outputFeatures: 1, using: &random),
            ])
            if synchronized { group.synchronizeBatchNorm(in: model) }
            let optimizer = Adam(learningRate: 0.05)
            for step in 0..<4 {
                // Batches of 8 rows: shares of 2, 3 and 3.
                let batch = (8 * step)..<(8 * step + 8)
                let rows = group.share(of: 8)
                let slice = (batch.lowerBound + rows.lowerBound)..<(batch.lowerBound + rows.upperBound)
                let loss = (model(inputs.sliced(slice, alongAxis: 0)) - targets.sliced(slice, alongAxis: 0))
                    .squared().mean()
                let gradients = loss.gradients(withRespectTo: model.parameters.map(\.value))
                optimizer.update(
                    model.parameters, with: group.combinedGradients(gradients, weight: Float(rows.count) / 8))
            }
            return model.parameters.map(\.value.scalars) + model.namedBuffers.map(\.buffer.value.scalars)
        }
        let one = train(SingleProcessGroup(), synchronized: true)
        let synchronized = LocalProcessGroup.run(size: 3) { train($0, synchronized: true) }
        let separate = LocalProcessGroup.run(size: 3) { train($0, synchronized: false) }
        XCTAssertEqual(synchronized[0], synchronized[1], "the ranks' weights or running statistics differ")
        XCTAssertEqual(synchronized[0], synchronized[2])
        for (got, expected) in zip(synchronized[0], one) {
            XCTAssertTrue(Close.scalars(got, expected, tolerance: 1e-4), "\(got) against \(expected)")
        }
        let differ = zip(separate[0], one).contains { !Close.scalars($0, $1, tolerance: 1e-3) }
        XCTAssertTrue(differ, "per-rank statistics trained as the whole batch's: the test cannot tell them apart")
    }

    /// A group of one process leaves the layers unsynchronised; re-estimating statistics uses each
    /// process's own rows.
    func testOneProcessLeavesBatchNormAsItIs() {
        let norm = BatchNorm(featureCount: 2)
        SingleProcessGroup().synchronizeBatchNorm(in: norm)
        XCTAssertNil(norm.statisticsReduction)
        let ranks = LocalProcessGroup.run(size: 2) { group -> Bool in
            let norm = BatchNorm(featureCount: 2)
            group.synchronizeBatchNorm(in: norm)
            // Rank 1 alone re-estimates: no sums are exchanged, so it does not wait for rank 0.
            if group.rank == 1 {
                norm.reestimateBatchNormStatistics(batches: 1) { _ in
                    _ = norm(Tensor(shape: [2, 2], scalars: [0, 1, 2, 3]))
                }
                XCTAssertEqual(norm.runningMean.value.scalars, [1, 2])
            }
            return norm.statisticsReduction != nil
        }
        XCTAssertEqual(ranks, [true, true])
    }
}
