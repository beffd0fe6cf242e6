import LatentTensor

/// Density and coverage of Naeem et al. 2020 in a feature space: the k-nearest-neighbour
/// measures of fidelity and diversity that stay calibrated when the two sets come from one
/// distribution, where precision and recall fall with the dimension.
///
/// Both use only the real manifold: the balls around the real points, each ball's radius the
/// distance to the point's k-th nearest real neighbour (the radii of ``PrecisionRecall``).
/// - Density: the mean number of real balls that hold a generated point, divided by k. Its
///   expectation is 1 when the samples follow the data's distribution, whatever the dimension;
///   above 1 when samples crowd where real points are dense, below when they stray.
/// - Coverage: the fraction of real points whose ball holds at least one generated point.
///   With as many samples as real points from the same distribution it tends to
///   1 − 2⁻ᵏ (0.969 at k = 5, the paper's value).
public struct DensityCoverage: Sendable, Equatable {
    /// The mean count of real balls per generated point, over k.
    public let density: Double
    /// The fraction of real points whose ball holds a generated point.
    public let coverage: Double
    /// The neighbourhood size.
    public let k: Int

    /// Measures density and coverage of `generated` against `real`.
    ///
    /// - Parameters:
    ///   - real: `[N_r, D]` features of real data.
    ///   - generated: `[N_g, D]` features of samples.
    ///   - k: the neighbourhood size (5 in the paper).
    /// - Precondition: the dimensions agree, `real` has more than `k` points and `generated`
    ///   at least one.
    public static func measure(real: Tensor, generated: Tensor, k: Int = 5) -> DensityCoverage {
        precondition(k >= 1, "DensityCoverage: k must be at least 1, got \(k)")
        precondition(
            real.shape[0] > k && generated.shape[0] >= 1,
            "DensityCoverage: need more than k = \(k) real points and one sample, got \(real.shape) and \(generated.shape)"
        )
        let radii = PrecisionRecall.neighbourhoodRadii(real, k: k)

        // Density: per sample, the real balls that hold it.
        let toReal = PairwiseDistances(queries: generated, references: real, operation: "DensityCoverage")
        var counts = [Int](repeating: 0, count: toReal.queryCount)
        counts.withUnsafeMutableBufferPointer { counts in
            radii.withUnsafeBufferPointer { radii in
                toReal.forEachBlock { rows, columns, block in
                    PairwiseDistances.forRows(rows.count) { localRows in
                        for local in localRows {
                            let values = block.baseAddress! + local * columns.count
                            let bounds = radii.baseAddress! + columns.lowerBound
                            var inside = 0
                            for column in 0..<columns.count where values[column] <= bounds[column] { inside += 1 }
                            counts[rows.lowerBound + local] += inside
                        }
                    }
                }
            }
        }
        let density = Double(counts.reduce(0, +)) / Double(k * counts.count)

        // Coverage: per real point, whether its nearest sample lies within its own radius.
        let toSamples = PairwiseDistances(queries: real, references: generated, operation: "DensityCoverage")
        var nearest = [Float](repeating: .infinity, count: toSamples.queryCount)
        nearest.withUnsafeMutableBufferPointer { nearest in
            toSamples.forEachBlock { rows, columns, block in
                PairwiseDistances.forRows(rows.count) { localRows in
                    for local in localRows {
                        let values = block.baseAddress! + local * columns.count
                        var smallest = nearest[rows.lowerBound + local]
                        for column in 0..<columns.count { smallest = min(smallest, values[column]) }
                        nearest[rows.lowerBound + local] = smallest
                    }
                }
            }
        }
        let covered = zip(nearest, radii).filter { $0.0 <= $0.1 }.count
        return DensityCoverage(density: density, coverage: Double(covered) / Double(radii.count), k: k)
    }
}
