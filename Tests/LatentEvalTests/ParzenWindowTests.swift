import Foundation
import LatentData
import LatentTensor
import Testing
import TestSupport

@testable import LatentEval

@Suite("ParzenWindow")
struct ParzenWindowTests {
    var generator = SplitMix64(seed: 11)

    /// With kernels on the mixture's centres and sigma equal to its standard deviation, the
    /// Parzen estimate is the mixture density itself; the reference is `GaussianMixture2D`'s
    /// Double log-density. Tolerance: 1e-4 nats, absolute.
    @Test mutating func kernelsOnTheCentresAreTheMixtureDensity() {
        let toy = ToyDistribution.grid(side: 3, spacing: 1, standardDeviation: 0.2)
        let mixture = toy.mixture!
        let centres = Tensor(
            shape: [mixture.centres.count, 2],
            scalars: mixture.centres.flatMap { [Float($0.x), Float($0.y)] })
        let test = toy.sample(count: 200, using: &generator)
        let parzen = ParzenWindow.logLikelihood(of: test, samples: centres, sigma: 0.2)
        let points = test.scalars
        for (index, value) in parzen.enumerated() {
            let point = SIMD2(Double(points[2 * index]), Double(points[2 * index + 1]))
            #expect(abs(Double(value) - mixture.logDensity(at: point)) <= 1e-4)
        }
    }

    /// The GEMM path (24 dimensions, above the direct-difference limit) against the same
    /// formula summed in Double. Tolerance: 1e-4 nats, absolute.
    @Test mutating func gemmPathMatchesADoubleReference() {
        let dimension = 24
        let samples = Tensor(randomNormal: [300, dimension], using: &generator)
        let test = Tensor(randomNormal: [40, dimension], using: &generator) * 1.2
        let sigma: Float = 0.9
        let parzen = ParzenWindow.logLikelihood(of: test, samples: samples, sigma: sigma)
        #expect(
            Close.scalars(parzen, reference(test, samples, sigma: Double(sigma)), tolerance: 1e-4))
    }

    /// More samples than one block of columns: the running log-sum-exp across blocks, with
    /// far-away samples first so the running minimum moves. Tolerance: 1e-4 nats, absolute.
    @Test mutating func runningLogSumExpSpansColumnBlocks() {
        let far = Tensor(randomNormal: [2100, 2], using: &generator) + 3
        let near = Tensor(randomNormal: [300, 2], using: &generator) * 0.5
        let samples = Tensor.concatenate([far, near], alongAxis: 0)
        let test = Tensor(randomNormal: [5, 2], using: &generator) * 0.5
        let parzen = ParzenWindow.logLikelihood(of: test, samples: samples, sigma: 0.1)
        #expect(Close.scalars(parzen, reference(test, samples, sigma: 0.1), tolerance: 1e-4))
    }

    /// Forced through GEMM in two dimensions: the same values as the direct differences.
    @Test mutating func gemmAndDirectPathsAgree() {
        let samples = Tensor(randomNormal: [100, 2], using: &generator)
        let test = Tensor(randomNormal: [20, 2], using: &generator)
        let direct = ParzenWindow.logLikelihoods(
            of: test, samples: samples, sigmas: [0.5], forcesGEMM: false)
        let gemm = ParzenWindow.logLikelihoods(
            of: test, samples: samples, sigmas: [0.5], forcesGEMM: true)
        #expect(Close.scalars(gemm[0], direct[0], tolerance: 1e-4))
    }

    /// One pass for many sigmas gives what one pass per sigma gives.
    @Test mutating func manySigmasAtOnceEqualOneAtATime() {
        let samples = Tensor(randomNormal: [150, 20], using: &generator)
        let test = Tensor(randomNormal: [30, 20], using: &generator)
        let grid = ParzenWindow.defaultGrid
        let together = ParzenWindow.logLikelihoods(of: test, samples: samples, sigmas: grid)
        for (index, sigma) in grid.enumerated() {
            let alone = ParzenWindow.logLikelihood(of: test, samples: samples, sigma: sigma)
            #expect(Close.scalars(together[index], alone, tolerance: 1e-5))
        }
    }

    /// `numpy.logspace(-1, 0, 10)`.
    @Test func defaultGridIsNumpyLogspace() {
        let numpy: [Float] = [
            0.1, 0.12915497, 0.16681005, 0.21544347, 0.27825594, 0.35938137, 0.46415888, 0.59948425,
            0.77426368, 1.0,
        ]
        #expect(Close.scalars(ParzenWindow.defaultGrid, numpy, tolerance: 1e-6))
    }

    /// Sigma is the grid value with the best mean validation log-likelihood, and the test
    /// result reports it with the mean and standard error of the per-point values.
    @Test mutating func evaluateChoosesTheBestValidationSigma() {
        let samples = Tensor(randomNormal: [400, 3], using: &generator) * 0.3
        let validation = Tensor(randomNormal: [50, 3], using: &generator) * 0.3
        let test = Tensor(randomNormal: [60, 3], using: &generator) * 0.3
        let result = ParzenWindow.evaluate(test: test, validation: validation, samples: samples)
        let means = ParzenWindow.defaultGrid.map { sigma in
            meanAndStandardError(
                ParzenWindow.logLikelihood(of: validation, samples: samples, sigma: sigma)
            ).mean
        }
        let best = ParzenWindow.defaultGrid[means.indices.max { means[$0] < means[$1] }!]
        #expect(result.sigma == best)
        #expect(ParzenWindow.selectSigma(validation: validation, samples: samples) == best)
        let scores = ParzenWindow.logLikelihood(of: test, samples: samples, sigma: best)
        let (mean, standardError) = meanAndStandardError(scores)
        #expect(abs(result.meanLogLikelihood - mean) < 1e-9)
        #expect(abs(result.standardError - standardError) < 1e-9)
        #expect(result.testCount == 60 && result.sampleCount == 400)
        // Neither end of the grid for data of standard deviation 0.3 and 400 samples.
        #expect(best > 0.1 && best < 1)
    }

    /// The log-likelihood formula of the protocol, in Double.
    func reference(_ test: Tensor, _ samples: Tensor, sigma: Double) -> [Float] {
        let dimension = test.shape[1]
        let t = test.scalars.map(Double.init), s = samples.scalars.map(Double.init)
        let count = samples.shape[0]
        return (0..<test.shape[0]).map { row in
            let exponents = (0..<count).map { column -> Double in
                var sum = 0.0
                for axis in 0..<dimension {
                    let difference = t[row * dimension + axis] - s[column * dimension + axis]
                    sum += difference * difference
                }
                return -sum / (2 * sigma * sigma)
            }
            let maximum = exponents.max()!
            let lse = maximum + log(exponents.reduce(0) { $0 + exp($1 - maximum) })
            return Float(
                lse - log(Double(count)) - Double(dimension) / 2
                    * log(2 * Double.pi * sigma * sigma))
        }
    }
}
