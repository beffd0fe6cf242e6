import Foundation
import LatentTensor

/// The Parzen-window (Gaussian kernel density) log-likelihood of test points under a model's
/// samples, as Goodfellow et al. 2014 (Table 1) report it after Breuleux et al. 2011.
///
/// `log p̂(x) = logsumexp_i(−‖x − s_i‖² / 2σ²) − log N − (D/2) log(2πσ²)` with N samples s_i of
/// dimension D; σ is chosen from a log-spaced grid by the mean log-likelihood of a validation
/// set, then the test set is scored. Distances come from GEMM in blocks, and the log-sum-exp
/// runs over the blocks, so memory stays bounded (one block of 512 × 2048 distances).
public enum ParzenWindow {
    /// The sigma grid of the protocol: 10 values log-spaced over [0.1, 1]
    /// (`numpy.logspace(-1, 0, 10)`).
    public static let defaultGrid: [Float] = (0..<10).map { Float(pow(10, -1 + Double($0) / 9)) }

    /// The Parzen log-likelihood of each test point, in nats.
    ///
    /// - Parameters:
    ///   - test: `[M, D]` points (images `[M, C, H, W]` are flattened).
    ///   - samples: `[N, D]` kernel centres, the model's samples.
    ///   - sigma: the kernels' standard deviation.
    /// - Returns: `M` log-likelihoods.
    /// - Precondition: the dimensions agree, `N` ≥ 1, `sigma` > 0.
    public static func logLikelihood(of test: Tensor, samples: Tensor, sigma: Float) -> [Float] {
        logLikelihoods(of: test, samples: samples, sigmas: [sigma])[0]
    }

    /// The Parzen log-likelihood of each test point for each of several sigmas, from one pass
    /// over the distances (each block of distances serves every sigma).
    ///
    /// - Parameters:
    ///   - test: `[M, D]` points.
    ///   - samples: `[N, D]` kernel centres.
    ///   - sigmas: the kernel standard deviations.
    /// - Returns: `[sigmas.count][M]` log-likelihoods, nats.
    /// - Precondition: the dimensions agree, `N` ≥ 1, every sigma > 0.
    public static func logLikelihoods(of test: Tensor, samples: Tensor, sigmas: [Float])
        -> [[Float]]
    {
        logLikelihoods(of: test, samples: samples, sigmas: sigmas, forcesGEMM: false)
    }

    /// Chooses sigma from `grid` by the mean Parzen log-likelihood of `validation`.
    ///
    /// - Parameters:
    ///   - validation: `[V, D]` held-out points (1,000 in the protocol).
    ///   - samples: `[N, D]` the model's samples.
    ///   - grid: candidate sigmas (default ``defaultGrid``).
    /// - Returns: the sigma whose mean validation log-likelihood is highest.
    public static func selectSigma(
        validation: Tensor, samples: Tensor, grid: [Float] = defaultGrid
    ) -> Float {
        let means = logLikelihoods(of: validation, samples: samples, sigmas: grid).map(
            meanAndStandardError)
        return grid[means.indices.max { means[$0].mean < means[$1].mean }!]
    }

    /// The whole protocol: sigma chosen on `validation`, then the test set scored with it.
    ///
    /// - Parameters:
    ///   - test: `[M, D]` test points.
    ///   - validation: `[V, D]` points for choosing sigma.
    ///   - samples: `[N, D]` the model's samples.
    ///   - grid: candidate sigmas.
    /// - Returns: the mean test log-likelihood, its standard error and the chosen sigma.
    public static func evaluate(
        test: Tensor, validation: Tensor, samples: Tensor, grid: [Float] = defaultGrid
    ) -> ParzenResult {
        let validationMeans = logLikelihoods(of: validation, samples: samples, sigmas: grid)
            .map { meanAndStandardError($0).mean }
        let best = validationMeans.indices.max { validationMeans[$0] < validationMeans[$1] }!
        let scores = logLikelihood(of: test, samples: samples, sigma: grid[best])
        let (mean, standardError) = meanAndStandardError(scores)
        return ParzenResult(
            meanLogLikelihood: mean, standardError: standardError, sigma: grid[best],
            testCount: scores.count, sampleCount: samples.shape[0], grid: grid,
            validationMeans: validationMeans)
    }

    // MARK: - Implementation

    /// The computation behind ``logLikelihoods(of:samples:sigmas:)``; `forcesGEMM` lets tests
    /// check the GEMM path in a few dimensions.
    static func logLikelihoods(
        of test: Tensor, samples: Tensor, sigmas: [Float], forcesGEMM: Bool
    ) -> [[Float]] {
        precondition(
            samples.shape.first ?? 0 >= 1,
            "ParzenWindow: need at least one sample, got shape \(samples.shape)")
        precondition(
            sigmas.allSatisfy { $0 > 0 }, "ParzenWindow: sigmas must be positive, got \(sigmas)")
        let distances = PairwiseDistances(
            queries: test, references: samples, operation: "ParzenWindow", forcesGEMM: forcesGEMM)
        let count = distances.queryCount
        let scales = sigmas.map { 1 / (2 * $0 * $0) }
        // Per test point: the smallest squared distance so far, and per sigma the sum of
        // exp(−(d − minimum)·scale) over the samples seen so far.
        var minima = [Float](repeating: .infinity, count: count)
        var sums = [Double](repeating: 0, count: count * sigmas.count)
        minima.withUnsafeMutableBufferPointer { minima in
            sums.withUnsafeMutableBufferPointer { sums in
                distances.forEachBlock { rows, columns, block in
                    let width = columns.count
                    PairwiseDistances.forRows(rows.count) { localRows in
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: width)
                        defer { scratch.deallocate() }
                        for local in localRows {
                            let row = rows.lowerBound + local
                            let values = block.baseAddress! + local * width
                            let blockMinimum = VectorExp.minimum(values, count: width)
                            if blockMinimum < minima[row] {
                                for (index, scale) in scales.enumerated()
                                where sums[row * scales.count + index] > 0 {
                                    sums[row * scales.count + index] *= Foundation.exp(
                                        Double(scale) * Double(blockMinimum - minima[row]))
                                }
                                minima[row] = blockMinimum
                            }
                            for (index, scale) in scales.enumerated() {
                                sums[row * scales.count + index] += Double(
                                    VectorExp.sumOfExponentials(
                                        values, count: width, offset: minima[row], scale: scale,
                                        scratch: scratch))
                            }
                        }
                    }
                }
            }
        }
        let logCount = Foundation.log(Double(distances.referenceCount))
        let halfDimension = Double(distances.dimension) / 2
        return sigmas.enumerated().map { index, sigma in
            let normaliser =
                logCount + halfDimension
                * Foundation.log(2 * Double.pi * Double(sigma) * Double(sigma))
            return (0..<count).map { row in
                Float(
                    -Double(minima[row]) * Double(scales[index])
                        + Foundation.log(sums[row * sigmas.count + index]) - normaliser)
            }
        }
    }
}

/// The outcome of the Parzen-window protocol.
public struct ParzenResult: Sendable, Equatable {
    /// The mean test log-likelihood, nats per example.
    public let meanLogLikelihood: Double
    /// The standard error of that mean (sample standard deviation / √M).
    public let standardError: Double
    /// The kernel standard deviation chosen on the validation set.
    public let sigma: Float
    /// The number of test points scored.
    public let testCount: Int
    /// The number of samples the kernels sit on.
    public let sampleCount: Int
    /// The sigmas tried.
    public let grid: [Float]
    /// The mean validation log-likelihood for each sigma of `grid`.
    public let validationMeans: [Double]
}

/// The mean of `values` and its standard error (sample standard deviation / √count), in Double.
func meanAndStandardError<Value: BinaryFloatingPoint>(_ values: [Value]) -> (
    mean: Double, standardError: Double
) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let count = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / count
    guard values.count > 1 else { return (mean, 0) }
    let squares = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
    return (mean, (squares / (count - 1)).squareRoot() / count.squareRoot())
}
