import Foundation
import LatentDistributed
import LatentNN
import LatentTensor
import TestSupport
import XCTest

final class ProcessGroupTests: XCTestCase {
    /// Runs `body` once per rank of a new local group and returns what each rank returned, in
    /// rank order.
    private func onRanks<R: Sendable>(_ size: Int, _ body: @escaping @Sendable (LocalProcessGroup) -> R) -> [R] {
        LocalProcessGroup.run(size: size, body)
    }

    func testLocalSumsAreTheSameOnEveryRankAndAddInRankOrder() {
        let sums = onRanks(3) { group -> [Float] in
            // In rank order, (1e8 + 1) − 1e8 is 0 in Float; in any other order it is 1.
            var values: [Float] = [[1e8, 1, -1e8][group.rank], Float(group.rank + 1)]
            values.withUnsafeMutableBufferPointer { group.allReduceSum($0) }
            // Two more rounds: a round's result must survive the ranks racing into the next one.
            for _ in 0..<2 { values[1...].withUnsafeMutableBufferPointer { group.allReduceSum($0) } }
            return values
        }
        XCTAssertEqual(sums[0], sums[1])
        XCTAssertEqual(sums[0], sums[2])
        XCTAssertEqual(sums[0][0], 0, "not added in rank order")
        // (1 + 2 + 3) after the first round, then times 3 twice.
        XCTAssertEqual(sums[0][1], 54)
        let doubles = onRanks(2) { group in group.sum([Double(group.rank) + 0.25, 2]) }
        XCTAssertEqual(doubles, [[1.5, 4], [1.5, 4]])
    }

    func testBroadcastGivesEveryRankTheRootsValues() {
        let received = onRanks(3) { group -> [Float] in
            var values: [Float] = [Float(group.rank), Float(group.rank) * 10]
            values.withUnsafeMutableBufferPointer { group.broadcast($0, from: 1) }
            return values
        }
        XCTAssertEqual(received, [[1, 10], [1, 10], [1, 10]])
    }

    func testSharesCoverABatchWithSizesWithinOne() {
        for size in 1...5 {
            let ranks = LocalProcessGroup.make(size: size)
            for count in [0, 1, 3, 7, 128] {
                let parts = ranks.map { $0.share(of: count) }
                XCTAssertEqual(parts.first?.lowerBound, 0)
                XCTAssertEqual(parts.last?.upperBound, count)
                for (left, right) in zip(parts, parts.dropFirst()) { XCTAssertEqual(left.upperBound, right.lowerBound) }
                let counts = parts.map(\.count)
                XCTAssertLessThanOrEqual(counts.max()! - counts.min()!, 1, "size \(size), count \(count)")
            }
        }
        XCTAssertEqual(SingleProcessGroup().share(of: 9), 0..<9)
    }

    /// The weighted sum of the ranks' mean gradients is the gradient of the whole batch's mean.
    func testCombinedGradientsEqualTheWholeBatchsGradient() {
        var generator = SplitMix64(seed: 3)
        let weight = Tensor(randomNormal: [4, 3], using: &generator)
        let bias = Tensor(randomNormal: [3], using: &generator)
        let batch = Tensor(randomNormal: [7, 4], using: &generator)
        @Sendable func gradients(of rows: Range<Int>) -> [Tensor] {
            let w = weight.requiringGradient(), b = bias.requiringGradient()
            let x = batch.sliced(rows, alongAxis: 0)
            let loss = (x.matmul(w) + b).squared().mean()
            return loss.gradients(withRespectTo: [w, b])
        }
        let whole = gradients(of: 0..<7)
        let combined = onRanks(3) { group -> [[Float]] in
            let rows = group.share(of: 7)
            return group.combinedGradients(gradients(of: rows), weight: Float(rows.count) / 7).map(\.scalars)
        }
        for rank in 0..<3 {
            XCTAssertEqual(combined[rank], combined[0], "the ranks got different gradients")
            for (got, expected) in zip(combined[rank], whole) {
                XCTAssertTrue(Close.scalars(got, expected.scalars, tolerance: 1e-5), "\(got) against \(expected.scalars)")
            }
        }
    }

    func testSynchronizeGivesEveryRankRankZerosParametersAndBuffers() {
        let models = onRanks(2) { group -> [[Float]] in
            var generator = SplitMix64(seed: UInt64(group.rank) + 10)
            let layer = Linear(inputFeatures: 3, outputFeatures: 2, using: &generator)
            let norm = BatchNorm(featureCount: 2)
            norm.runningMean.value = Tensor([Float(group.rank), 5])
            let model = Pair(first: layer, second: norm)
            group.synchronize(model)
            return model.parameters.map(\.value.scalars) + model.namedBuffers.map(\.buffer.value.scalars)
        }
        XCTAssertEqual(models[0], models[1])
        XCTAssertTrue(models[1].contains([0, 5]), "rank 1 kept its own running mean")
    }

    /// Rank 1's bytes reach every rank as they are, whatever their length (not a multiple of
    /// four, little-endian words of a signalling NaN, a quiet NaN and −0.0 among them); nil on
    /// the root gives nil everywhere.
    func testBytesAreBroadcastAsTheyAre() {
        let sent: [UInt8] = [0x01, 0x00, 0x80, 0x7F, 0x01, 0x00, 0xC0, 0xFF, 0x00, 0x00, 0x00, 0x80, 42]
        let received = onRanks(3) { group in
            (group.broadcast(group.rank == 1 ? sent : [9], from: 1), group.broadcast(nil, from: 0))
        }
        for (bytes, none) in received {
            XCTAssertEqual(bytes, sent)
            XCTAssertNil(none)
        }
        XCTAssertEqual(SingleProcessGroup().broadcast(sent, from: 0), sent)
    }

    func testSingleProcessGroupLeavesEverythingAsItIs() {
        let group = SingleProcessGroup()
        var values: [Float] = [1, 2]
        values.withUnsafeMutableBufferPointer { group.allReduceSum($0) }
        values.withUnsafeMutableBufferPointer { group.broadcast($0, from: 0) }
        XCTAssertEqual(values, [1, 2])
        let gradient = Tensor([1, 2, 3])
        XCTAssertEqual(group.combinedGradients([gradient], weight: 1)[0].scalars, [1, 2, 3])
        XCTAssertTrue(group.isLeader)
    }

    /// One of several processes another launcher started refuses to train alone.
    func testAnotherLaunchersProcessesAreRefused() throws {
        guard ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] == nil else { return }
        for variable in ["PMI_SIZE", "SLURM_STEP_NUM_TASKS"] {
            MPIProcessGroup.finish()
            setenv(variable, "4", 1)
            defer { unsetenv(variable) }
            XCTAssertThrowsError(try MPIProcessGroup.world()) { error in
                XCTAssertTrue("\(error)".contains("one of 4 processes (\(variable)=4)"), "\(error)")
            }
            setenv(variable, "1", 1)
            XCTAssertTrue(try MPIProcessGroup.world() is SingleProcessGroup)
            MPIProcessGroup.finish()
        }
    }

    func testWorldOutsideMPIRunIsOneProcess() throws {
        // The test runner is not started by mpirun.
        guard ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] == nil else { return }
        let world = try MPIProcessGroup.world()
        XCTAssertTrue(world is SingleProcessGroup)
        XCTAssertEqual(world.size, 1)
        MPIProcessGroup.finish()
    }
}

/// Two modules as one, for the synchronisation test.
private final class Pair: Module {
    let first: Linear
    let second: BatchNorm
    init(first: Linear, second: BatchNorm) {
        self.first = first
        self.second = second
    }
    var children: [(name: String, module: any Module)] { [("first", first), ("second", second)] }
}

