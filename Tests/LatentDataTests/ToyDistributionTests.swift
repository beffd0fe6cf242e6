import Foundation
import LatentTensor
import Testing

@testable import LatentData

@Suite("ToyDistribution")
struct ToyDistributionTests {
    /// Mean and per-axis variance of `[count, 2]` points, in Double.
    private func moments(_ points: Tensor) -> (mean: SIMD2<Double>, variance: SIMD2<Double>) {
        let values = points.scalars.map(Double.init)
        let count = Double(points.shape[0])
        var sum = SIMD2<Double>()
        var squares = SIMD2<Double>()
        for index in stride(from: 0, to: values.count, by: 2) {
            let point = SIMD2(values[index], values[index + 1])
            sum += point
            squares += point * point
        }
        let mean = sum / count
        return (mean, squares / count - mean * mean)
    }

    /// Moments from the definitions: name, mean, variance per axis, tolerance.
    static let expectedMoments: [(String, SIMD2<Double>, SIMD2<Double>, Double)] = [
        ("ring8", [0, 0], [0.5 + 1e-4, 0.5 + 1e-4], 0.02),
        ("ring8?radius=2&std=0.02", [0, 0], [2 + 4e-4, 2 + 4e-4], 0.05),
        ("grid25", [0, 0], [8.0025, 8.0025], 0.2),
        ("checkerboard", [0, 0], [16.0 / 3, 16.0 / 3], 0.12),
        // Moons: x ~ 4(¾ + 0.01), y mean 2·¼ − 0.2, variance 4(9/16 − 1/π + 0.01).
        ("moons", [0, 0.3], [3.04, 4 * (0.5625 - 1 / Double.pi + 0.01)], 0.05),
        // Circles: radii 3 and 1.5, noise 0.24: (9 + 2.25)/4 + 0.0576.
        ("circles", [0, 0], [2.8701, 2.8701], 0.06),
    ]

    @Test(arguments: 0..<expectedMoments.count)
    func samplerMomentsMatchDefinitions(caseIndex: Int) throws {
        let (name, mean, variance, tolerance) = Self.expectedMoments[caseIndex]
        var generator = SplitMix64(seed: 11)
        let points = try ToyDistribution(parsing: name).sample(count: 20_000, using: &generator)
        #expect(points.shape == [20_000, 2])
        let measured = moments(points)
        for axis in 0..<2 {
            #expect(
                abs(measured.mean[axis] - mean[axis]) < tolerance, "\(name) mean \(measured.mean)")
            #expect(
                abs(measured.variance[axis] - variance[axis]) < 3 * tolerance,
                "\(name) var \(measured.variance)")
        }
    }

    /// Any prefix of the two-component toys holds both components, half each: the first 100
    /// points' moments are near the whole distribution's (a split's --test-limit, or the
    /// validation rows Parzen takes from the end of the training split, see both moons).
    @Test(arguments: [4, 5])
    func aPrefixOfMoonsOrCirclesHoldsBothComponents(caseIndex: Int) throws {
        let (name, mean, variance, _) = Self.expectedMoments[caseIndex]
        var generator = SplitMix64(seed: 12)
        let points = try ToyDistribution(parsing: name).sample(count: 2_000, using: &generator)
        let measured = moments(points.sliced(0..<100, alongAxis: 0))
        for axis in 0..<2 {
            #expect(abs(measured.mean[axis] - mean[axis]) < 0.5, "\(name) mean \(measured.mean)")
            #expect(abs(measured.variance[axis] - variance[axis]) < 0.3 * variance[axis], "\(name) var \(measured.variance)")
        }
    }

    @Test func swissRollMomentsMatchQuadrature() throws {
        // E[t cos t], E[t sin t], E[t²cos²t], E[t²sin²t] over t = 1.5π(1 + 2u), by midpoints.
        let steps = 100_000
        var m = [Double](repeating: 0, count: 4)
        for k in 0..<steps {
            let t = 1.5 * Double.pi * (1 + 2 * (Double(k) + 0.5) / Double(steps))
            m[0] += t * cos(t)
            m[1] += t * sin(t)
            m[2] += t * t * cos(t) * cos(t)
            m[3] += t * t * sin(t) * sin(t)
        }
        m = m.map { $0 / Double(steps) }
        let mean = SIMD2(m[0], m[1]) / 5
        let variance = (SIMD2(m[2], m[3]) + 1 - SIMD2(m[0] * m[0], m[1] * m[1])) / 25
        var generator = SplitMix64(seed: 12)
        let measured = moments(
            try ToyDistribution(parsing: "swissroll").sample(count: 20_000, using: &generator))
        for axis in 0..<2 {
            #expect(abs(measured.mean[axis] - mean[axis]) < 0.05)
            #expect(abs(measured.variance[axis] - variance[axis]) / variance[axis] < 0.05)
        }
    }

    @Test func pinwheelIsRotationallySymmetric() throws {
        var generator = SplitMix64(seed: 13)
        let measured = moments(
            try ToyDistribution(parsing: "pinwheel").sample(count: 20_000, using: &generator))
        #expect(abs(measured.mean.x) < 0.05 && abs(measured.mean.y) < 0.05)
        // |x|² = 4|f|² with E|f|² = 1 + 0.3² + 0.1².
        #expect(abs(measured.variance.sum() - 4.4) < 0.1)
    }

    @Test(arguments: ["ring8?std=0.1", "grid25?std=0.2", "circles", "checkerboard"])
    func densityIntegratesToOne(name: String) throws {
        let toy = try ToyDistribution(parsing: name)
        let (low, step, cells) = (-5.0, 0.025, 400)
        var grid: [Float] = []
        grid.reserveCapacity(2 * cells * cells)
        for i in 0..<cells {
            for j in 0..<cells {
                grid += [
                    Float(low + (Double(i) + 0.5) * step), Float(low + (Double(j) + 0.5) * step),
                ]
            }
        }
        let densities = toy.logDensity(Tensor(shape: [cells * cells, 2], scalars: grid))
        let total = densities.scalars.reduce(0.0) { $0 + exp(Double($1)) }
        #expect(abs(total * step * step - 1) < 2e-3, "\(name): \(total * step * step)")
    }

    @Test func ringDensityAndModesFollowTheDefinition() throws {
        let toy = try ToyDistribution(parsing: "ring8")
        let mixture = try #require(toy.mixture)
        #expect(mixture.centres.count == 8 && mixture.standardDeviation == 0.01)
        #expect(abs(mixture.centres[2].x) < 1e-12 && mixture.centres[2].y == 1)
        let atMode = toy.logDensity(Tensor(shape: [1, 2], scalars: [1, 0])).scalars[0]
        #expect(abs(Double(atMode) - log(1.0 / 8 / (2 * Double.pi * 1e-4))) < 1e-4)
        let grid = try #require(try ToyDistribution(parsing: "grid25").mixture)
        #expect(Set(grid.centres.map(\.x)) == [-4, -2, 0, 2, 4] && grid.centres.count == 25)
        #expect(grid.nearestCentre(to: [1.9, -4.2]).index == 3 * 5 + 0)
    }

    @Test func samplesLieWhereTheDensityIsPositive() throws {
        var generator = SplitMix64(seed: 3)
        let toy = try ToyDistribution(parsing: "checkerboard")
        let points = toy.sample(count: 2000, using: &generator)
        #expect(toy.logDensity(points).scalars.allSatisfy { $0.isFinite })
    }

    @Test func parsingRejectsUnknownNamesAndKeys() throws {
        for bad in ["ring9", "ring8?radius=-1", "ring8?colour=2", "grid25?std", "moons?noise=x"] {
            #expect(throws: DataError.self, "\(bad)") { try ToyDistribution(parsing: bad) }
        }
        #expect(
            try ToyDistribution(parsing: "ring8?radius=2&std=0.02")
                == .ring(count: 8, radius: 2, standardDeviation: 0.02))
    }

    /// Each bad parameter stops at parse time with one line that names it.
    static let badParameters: [(String, String)] = [
        ("moons?noise=-1", "noise must be from 0 to 1e6, got -1"),
        ("ring8?std=0.1&std=0.2", "parameter 'std' is given twice"),
        ("ring8?radius=1e39", "radius must be from 1e-6 to 1e6, got 1e39"),
        ("ring8?radius=inf", "radius must be a finite number, got inf"),
        ("ring8?std=nan", "std must be a finite number, got nan"),
        ("pinwheel?radial=1000", "radial must be from 1e-6 to 20, got 1000"),
        ("grid25?side=1000", "side must be a whole number from 1 to 100, got 1000"),
        ("ring8?modes=2.5", "modes must be a whole number from 1 to 1000, got 2.5"),
        ("ring8?std=0.1&&radius=2", "parameter '' is not key=number"),
        ("ring8?=2", "parameter '=2' is not key=number"),
    ]

    @Test(arguments: 0..<badParameters.count)
    func badParametersAreRefusedByName(caseIndex: Int) {
        let (text, detail) = Self.badParameters[caseIndex]
        #expect(throws: DataError.invalidSpecification("toy:" + text, detail: detail)) {
            try ToyDistribution(parsing: text)
        }
    }

    /// The largest parameters the parser accepts still give finite points.
    @Test(arguments: [
        "ring8?radius=1e6&std=1e6", "grid25?side=100&spacing=1e6&std=1e6", "moons?noise=1e6",
        "swissroll?noise=1e6", "circles?factor=1e6&noise=1e6",
        "pinwheel?radial=20&tangential=1e6&rate=1e6&arms=1000",
    ])
    func extremeParametersGiveFinitePoints(name: String) throws {
        var generator = SplitMix64(seed: 5)
        let points = try ToyDistribution(parsing: name).sample(count: 4000, using: &generator)
        #expect(points.scalars.allSatisfy { $0.isFinite }, "\(name)")
    }

    /// The mixture is built once per draw, not once per point: 10,000 modes sample quickly.
    @Test func largeGridSamplesQuickly() throws {
        let toy = try ToyDistribution(parsing: "grid25?side=100")
        var generator = SplitMix64(seed: 6)
        let elapsed = ContinuousClock().measure {
            #expect(toy.sample(count: 50_000, using: &generator).shape == [50_000, 2])
        }
        #expect(elapsed < .seconds(1), "\(elapsed)")
    }
}
