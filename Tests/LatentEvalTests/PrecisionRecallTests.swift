import LatentTensor
import Testing

@testable import LatentEval

@Suite("PrecisionRecall")
struct PrecisionRecallTests {
    var generator = SplitMix64(seed: 4)

    /// A set against itself: every point lies in its own ball, so both are 1 (also through the
    /// GEMM path, 40 dimensions, where the distance of a point to itself is rounded).
    @Test(arguments: [2, 40])
    mutating func identicalSetsHavePrecisionAndRecallOne(dimension: Int) {
        let points = Tensor(randomNormal: [300, dimension], using: &generator)
        let result = PrecisionRecall.measure(real: points, generated: points)
        #expect(result.precision == 1 && result.recall == 1 && result.k == 3)
    }

    /// Sets far apart share nothing.
    @Test mutating func distantSetsHavePrecisionAndRecallZero() {
        let real = Tensor(randomNormal: [50, 3], using: &generator)
        let generated = Tensor(randomNormal: [50, 3], using: &generator) + 100
        let result = PrecisionRecall.measure(real: real, generated: generated)
        #expect(result.precision == 0 && result.recall == 0)
    }

    /// Half the samples copy the real grid, half sit far away: precision 1/2; the copies'
    /// balls cover every real point: recall 1.
    @Test func halfTheSamplesOffTheManifold() {
        let grid = (0..<4).flatMap { i in (0..<2).flatMap { j in [Float(i), Float(j)] } }
        let far = (0..<4).flatMap { i in (0..<2).flatMap { j in [Float(i) + 100, Float(j)] } }
        let real = Tensor(shape: [8, 2], scalars: grid)
        let generated = Tensor(shape: [16, 2], scalars: grid + far)
        let result = PrecisionRecall.measure(real: real, generated: generated)
        #expect(result.precision == 0.5)
        #expect(result.recall == 1)
    }

    /// The radius is the distance to the k-th neighbour other than the point itself.
    @Test func radiiAreTheKthNeighbourDistances() {
        let points = Tensor(shape: [6, 1], scalars: [0, 1, 2, 3, 4, 10])
        let radii = PrecisionRecall.neighbourhoodRadii(points, k: 3)
        // Squared: 0 → 3, 1 → 2, 2 → 2, 3 → 2, 4 → 3, 10 → 8.
        #expect(radii == [9, 4, 4, 4, 9, 64])
    }
}
