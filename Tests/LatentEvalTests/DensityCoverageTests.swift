import LatentTensor
import Testing

@testable import LatentEval

@Suite("DensityCoverage")
struct DensityCoverageTests {
    /// Real points 0, 1, 2, 3, 4 on a line with k = 1 have balls of radius 1. The sample 0.5 lies
    /// in the balls of 0 and 1, the sample 10 in none: density (2 + 0) / (1 · 2) = 1; coverage
    /// 2 of 5 (0 and 1 hold a sample).
    @Test func handComputedOnALine() {
        let real = Tensor(shape: [5, 1], scalars: [0, 1, 2, 3, 4])
        let generated = Tensor(shape: [2, 1], scalars: [0.5, 10])
        let result = DensityCoverage.measure(real: real, generated: generated, k: 1)
        #expect(result.density == 1)
        #expect(result.coverage == 0.4)
        #expect(result.k == 1)
    }

    /// Two independent draws of one 10-d Gaussian: density near its expectation of 1 and coverage
    /// near 1 − 2⁻⁵ = 0.969 (Naeem et al. 2020), where k = 3 precision and recall of the same
    /// draws fall to about 0.88.
    @Test func oneDistributionScoresNearOne() {
        var generator = SplitMix64(seed: 11)
        let real = Tensor(randomNormal: [2000, 10], using: &generator)
        let generated = Tensor(randomNormal: [2000, 10], using: &generator)
        let result = DensityCoverage.measure(real: real, generated: generated)
        #expect(abs(result.density - 1) < 0.06, "density \(result.density)")
        #expect(abs(result.coverage - 0.969) < 0.02, "coverage \(result.coverage)")
        let precisionRecall = PrecisionRecall.measure(real: real, generated: generated)
        #expect(precisionRecall.precision < 0.93 && precisionRecall.recall < 0.93, "\(precisionRecall)")
    }

    /// Samples collapsed onto five real points cover few real balls; samples far away score 0
    /// on both.
    @Test func collapseAndDistanceAreSeen() {
        var generator = SplitMix64(seed: 12)
        let real = Tensor(randomNormal: [500, 4], using: &generator)
        let collapsed = Tensor.concatenate(Array(repeating: real.sliced(0..<5, alongAxis: 0), count: 100), alongAxis: 0)
        let result = DensityCoverage.measure(real: real, generated: collapsed)
        #expect(result.coverage <= 0.1, "coverage \(result.coverage)")  // 0.06: the five and a few neighbours of theirs
        let distant = DensityCoverage.measure(real: real, generated: real + 100)
        #expect(distant.density == 0 && distant.coverage == 0)
    }
}
