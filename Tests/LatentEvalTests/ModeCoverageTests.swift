import Foundation
import LatentData
import LatentTensor
import Testing

@testable import LatentEval

@Suite("ModeCoverage")
struct ModeCoverageTests {
    let toy = ToyDistribution.ring(count: 8, radius: 1, standardDeviation: 0.01)

    /// Points at the centres `modes` (repeated as listed) plus `outliers` at the origin, which
    /// is 1 = 100σ from every centre.
    func points(modes: [Int], outliers: Int) -> Tensor {
        let centres = toy.mixture!.centres
        let scalars =
            modes.flatMap { [Float(centres[$0].x) + 0.005, Float(centres[$0].y)] }
            + [Float](repeating: 0, count: 2 * outliers)
        return Tensor(shape: [modes.count + outliers, 2], scalars: scalars)
    }

    /// 10 samples at mode 0, 10 at mode 1, 20 at mode 2, 10 outliers: 3 modes, 80% high
    /// quality, and KL(q ‖ u) = ¼ log 2 + ¼ log 2 + ½ log 4 = 1.5 log 2.
    @Test func handMadeCollapse() {
        let modes =
            [Int](repeating: 0, count: 10) + [Int](repeating: 1, count: 10)
            + [Int](repeating: 2, count: 20)
        let coverage = ModeCoverage.measure(
            points(modes: modes, outliers: 10), mixture: toy.mixture!)
        #expect(coverage.modesCovered == 3 && coverage.modeCount == 8)
        #expect(coverage.highQualityFraction == 0.8)
        #expect(abs(coverage.reverseKL - 1.5 * log(2.0)) < 1e-12)
        #expect(coverage.histogram == [10, 10, 20, 0, 0, 0, 0, 0])
    }

    /// An even spread over all modes: every mode covered, reverse KL 0.
    @Test func evenSpreadHasZeroReverseKL() {
        let coverage = ModeCoverage.measure(
            points(modes: Array(0..<8) + Array(0..<8), outliers: 0), mixture: toy.mixture!)
        #expect(coverage.modesCovered == 8 && coverage.highQualityFraction == 1)
        #expect(abs(coverage.reverseKL) < 1e-12)
    }

    /// One mode only: reverse KL log K.
    @Test func singleModeHasReverseKLLogK() {
        let coverage = ModeCoverage.measure(
            points(modes: [5, 5, 5], outliers: 0), mixture: toy.mixture!)
        #expect(coverage.modesCovered == 1)
        #expect(abs(coverage.reverseKL - log(8.0)) < 1e-12)
    }

    /// No high-quality sample: nothing covered and the histogram is undefined (NaN).
    @Test func noHighQualitySamples() {
        let coverage = ModeCoverage.measure(points(modes: [], outliers: 5), mixture: toy.mixture!)
        #expect(
            coverage.modesCovered == 0 && coverage.highQualityFraction == 0
                && coverage.reverseKL.isNaN)
    }

    /// A minimum count above 1 leaves sparsely hit modes uncovered.
    @Test func minimumCountRaisesTheBar() {
        let coverage = ModeCoverage.measure(
            points(modes: [0, 1, 1], outliers: 0), mixture: toy.mixture!, minimumCount: 2)
        #expect(coverage.modesCovered == 1)
    }

    /// Samples at a centre of the ring: the density there is (1/8)·N(0; 0, σ²I) plus
    /// negligible terms from the other modes (100σ away).
    @Test func exactLogDensityAtTheCentres() {
        let estimate = ToyLogDensity.mean(of: points(modes: [0, 3, 6], outliers: 0), under: toy)
        let expected = -log(8.0) - log(2 * Double.pi * 0.0001) - 0.005 * 0.005 / (2 * 0.0001)
        #expect(abs(estimate.mean - expected) < 1e-4)
        #expect(estimate.count == 3 && estimate.standardError < 1e-4)
    }
}
