import LatentTensor
import TestSupport
import Testing

@Suite("Random")
struct RandomTests {
    @Test func sameSeedSameNumbersDifferentSeedsDiffer() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        var other = SplitMix64(seed: 43)
        let a = Tensor(randomNormal: [64], using: &first)
        let b = Tensor(randomNormal: [64], using: &second)
        let c = Tensor(randomNormal: [64], using: &other)
        #expect(a.scalars == b.scalars)
        #expect(a.scalars != c.scalars)
        let u1 = Tensor(randomUniform: [64], using: &first)
        let u2 = Tensor(randomUniform: [64], using: &second)
        #expect(u1.scalars == u2.scalars)
        let next = Tensor(randomUniform: [64], using: &first)
        #expect(next.scalars != u1.scalars)
    }

    /// Mean and biased variance of a tensor's scalars, in Double.
    private func moments(_ x: Tensor) -> (mean: Double, variance: Double) {
        let values = x.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count))
    }

    // 100k draws: the standard error of each mean is below 0.01 of the tolerances used.
    @Test func uniformMoments() {
        var generator = SplitMix64(seed: 1)
        let x = Tensor(randomUniform: [100_000], lowerBound: -1, upperBound: 3, using: &generator)
        #expect(x.scalars.allSatisfy { $0 >= -1 && $0 < 3 })
        let (mean, variance) = moments(x)
        #expect(Swift.abs(mean - 1) < 0.02)  // (a + b) / 2
        #expect(Swift.abs(variance - 16.0 / 12) < 0.02)  // (b − a)² / 12
    }

    @Test func normalMoments() {
        var generator = SplitMix64(seed: 2)
        let x = Tensor(randomNormal: [100_000], mean: 2, standardDeviation: 0.5, using: &generator)
        let (mean, variance) = moments(x)
        #expect(Swift.abs(mean - 2) < 0.01)
        #expect(Swift.abs(variance - 0.25) < 0.01)
        let values = x.scalars
        let withinOne = values.filter { Swift.abs($0 - 2) < 0.5 }.count
        #expect(Swift.abs(Double(withinOne) / 100_000 - 0.6827) < 0.01)
    }

    @Test func bernoulliMoments() {
        var generator = SplitMix64(seed: 3)
        let x = Tensor(randomBernoulli: [100_000], probability: 0.3, using: &generator)
        #expect(x.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(Swift.abs(moments(x).mean - 0.3) < 0.01)
        #expect(
            Tensor(randomBernoulli: [100], probability: 1, using: &generator).scalars.allSatisfy {
                $0 == 1
            })
        #expect(
            Tensor(randomBernoulli: [100], probability: 0, using: &generator).scalars.allSatisfy {
                $0 == 0
            })
        let probabilities = Tensor([0.1, 0.9]).expanded(to: [50_000, 2])
        let draws = Tensor(randomBernoulli: probabilities, using: &generator)
        #expect(draws.shape == [50_000, 2])
        #expect(Close.tensor(draws.mean(alongAxis: 0), shape: [2], [0.1, 0.9], tolerance: 0.01))
    }
}
