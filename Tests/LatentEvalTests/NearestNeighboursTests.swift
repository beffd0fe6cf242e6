import LatentTensor
import Testing

@testable import LatentEval

@Suite("NearestNeighbours")
struct NearestNeighboursTests {
    /// Points on a line: the neighbours of 2.1 among 0…9 are 2, 3, 1 in that order.
    @Test func findsTheClosestInOrder() {
        let references = Tensor(shape: [10, 1], scalars: (0..<10).map(Float.init))
        let queries = Tensor(shape: [2, 1], scalars: [2.1, 8.8])
        #expect(NearestNeighbours.indices(of: queries, in: references, count: 3) == [[2, 3, 1], [9, 8, 7]])
    }

    /// In 50 dimensions, through GEMM, each reference is its own nearest neighbour.
    @Test func referencesFindThemselves() {
        var generator = SplitMix64(seed: 3)
        let references = Tensor(randomNormal: [300, 50], using: &generator)
        let found = NearestNeighbours.indices(of: references, in: references, count: 1)
        #expect(found.map { $0[0] } == Array(0..<300))
    }
}
