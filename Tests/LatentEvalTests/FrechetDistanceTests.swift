import Foundation
import LatentTensor
import Testing

@testable import LatentEval

@Suite("FrechetDistance")
struct FrechetDistanceTests {
    var generator = SplitMix64(seed: 3)

    /// Two 4-dimensional Gaussians with covariances A Aᵀ + cI; the reference value is printed by
    /// scripts/reference/frechet.py (scipy.linalg.sqrtm, float64). Bar: relative error ≤ 1e-3.
    @Test func knownGaussiansMatchTheScipyReference() {
        let a: [Double] = [
            1.0, 0.2, 0.0, 0.0, 0.3, 1.0, 0.1, 0.0, 0.0, 0.4, 1.0, 0.2, 0.1, 0.0, 0.3, 1.0,
        ]
        let b: [Double] = [
            0.5, -0.3, 0.2, 0.0, 0.0, 2.0, 0.0, 0.4, 0.7, 0.0, 0.6, 0.0, 0.0, 0.1, -0.2, 1.5,
        ]
        let first = GaussianStatistics(mean: [0, 1, -1, 0.5], covariance: gram(a, plus: 0.5))
        let second = GaussianStatistics(
            mean: [0.3, 0.2, -0.5, 1.0], covariance: gram(b, plus: 0.1))
        let reference = 3.3318151920524173  // scripts/reference/frechet.py, "known Gaussians"
        let distance = FrechetDistance.distance(between: first, and: second)
        #expect(abs(distance - reference) / reference <= 1e-3)
        #expect(abs(distance - reference) / reference <= 1e-9)
    }

    /// Gaussians fitted to deterministic features (numpy.cov, divisor N − 1); reference from
    /// scripts/reference/frechet.py, "fitted features". Tolerance: relative 1e-6.
    @Test func fittedFeaturesMatchTheNumpyReference() {
        let (n, d) = (50, 3)
        var x: [Float] = [], y: [Float] = []
        for i in 0..<n {
            for j in 0..<d {
                let (i, j) = (Double(i), Double(j))
                x.append(Float(sin(0.37 * i * (j + 1) + 1.3 * j) + 0.1 * j))
                y.append(Float(cos(0.23 * i * (j + 2) + 0.7 * j) * (1 + 0.5 * j) - 0.2))
            }
        }
        let distance = FrechetDistance.distance(
            between: Tensor(shape: [n, d], scalars: x), and: Tensor(shape: [n, d], scalars: y))
        let reference = 0.9565156031518196  // scripts/reference/frechet.py, "fitted features"
        #expect(abs(distance - reference) / reference <= 1e-6)
    }

    /// The distance of a set to itself is 0; it is symmetric in its arguments.
    @Test mutating func identicalSetsAreAtZeroAndOrderDoesNotMatter() {
        let a = Tensor(randomNormal: [60, 6], using: &generator)
        let b = Tensor(randomNormal: [80, 6], using: &generator) * 1.5 + 0.3
        #expect(abs(FrechetDistance.distance(between: a, and: a)) < 1e-9)
        let forward = FrechetDistance.distance(between: a, and: b)
        let backward = FrechetDistance.distance(between: b, and: a)
        #expect(forward > 0)
        #expect(abs(forward - backward) <= 1e-9 * forward)
    }

    /// Diagonal covariances in closed form: Σ_i (μ1_i − μ2_i)² + (√v1_i − √v2_i)².
    @Test func diagonalCovariancesHaveAClosedForm() {
        let v1: [Double] = [1, 4, 0.25], v2: [Double] = [9, 1, 0.25]
        let first = GaussianStatistics(mean: [0, 0, 1], covariance: diagonal(v1))
        let second = GaussianStatistics(mean: [1, 0, 0], covariance: diagonal(v2))
        let expected =
            2.0 + zip(v1, v2).reduce(0) { $0 + pow($1.0.squareRoot() - $1.1.squareRoot(), 2) }
        #expect(abs(FrechetDistance.distance(between: first, and: second) - expected) < 1e-10)
    }

    /// V Λ Vᵀ rebuilds the matrix, and the square root squared is the matrix.
    @Test mutating func jacobiEigendecompositionRebuildsTheMatrix() {
        let n = 7
        let a = (0..<(n * n)).map { _ in Double.random(in: -1...1, using: &generator) }
        let matrix = gram(a, plus: 0.2)
        let eigen = SymmetricEigen(matrix, dimension: n)
        let rebuilt = eigen.applying { $0 }
        let root = eigen.applying { $0.squareRoot() }
        var squared = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                for k in 0..<n { squared[i * n + j] += root[i * n + k] * root[k * n + j] }
            }
        }
        #expect(zip(rebuilt, matrix).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(zip(squared, matrix).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(eigen.values.allSatisfy { $0 > 0.2 - 1e-12 })
    }

    /// `M Mᵀ + c I` for a square row-major `M`.
    func gram(_ m: [Double], plus c: Double) -> [Double] {
        let n = Int(Double(m.count).squareRoot())
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                for k in 0..<n { result[i * n + j] += m[i * n + k] * m[j * n + k] }
                if i == j { result[i * n + j] += c }
            }
        }
        return result
    }

    func diagonal(_ values: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: values.count * values.count)
        for (index, value) in values.enumerated() { result[index * values.count + index] = value }
        return result
    }
}
