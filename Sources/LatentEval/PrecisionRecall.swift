import LatentTensor

/// Improved precision and recall of Kynkäänniemi et al. 2019 in a feature space.
///
/// Each set's manifold is the union of balls around its points, each ball's radius the distance
/// to the point's k-th nearest neighbour within the set (k = 3). Precision is the fraction of
/// generated points inside the real manifold (are the samples realistic?), recall the fraction
/// of real points inside the generated manifold (is the data's variety covered?). Distances are
/// computed by GEMM in blocks; memory is bounded by one block and the radii.
public struct PrecisionRecall: Sendable, Equatable {
    /// The fraction of generated points within the real manifold.
    public let precision: Double
    /// The fraction of real points within the generated manifold.
    public let recall: Double
    /// The neighbourhood size.
    public let k: Int

    /// Creates a result.
    public init(precision: Double, recall: Double, k: Int) {
        self.precision = precision
        self.recall = recall
        self.k = k
    }

    /// Measures precision and recall of `generated` against `real`.
    ///
    /// - Parameters:
    ///   - real: `[N_r, D]` features of real data.
    ///   - generated: `[N_g, D]` features of samples.
    ///   - k: the neighbourhood size (3 in the paper).
    /// - Precondition: the dimensions agree and each set has more than `k` points.
    public static func measure(real: Tensor, generated: Tensor, k: Int = 3) -> PrecisionRecall {
        precondition(k >= 1, "PrecisionRecall: k must be at least 1, got \(k)")
        precondition(
            real.shape[0] > k && generated.shape[0] > k,
            "PrecisionRecall: need more than k = \(k) points in each set, got \(real.shape) and \(generated.shape)"
        )
        let realRadii = neighbourhoodRadii(real, k: k)
        let generatedRadii = neighbourhoodRadii(generated, k: k)
        return PrecisionRecall(
            precision: fractionInside(generated, manifold: real, radii: realRadii),
            recall: fractionInside(real, manifold: generated, radii: generatedRadii), k: k)
    }

    /// The squared distance from each point to its k-th nearest neighbour in the same set.
    ///
    /// The point itself counts as its own nearest neighbour at distance 0, so this is the
    /// (k + 1)-th smallest distance in its row, as the paper's code takes it.
    ///
    /// - Parameter points: `[N, D]`.
    /// - Returns: `N` squared radii.
    static func neighbourhoodRadii(_ points: Tensor, k: Int) -> [Float] {
        let distances = PairwiseDistances(
            queries: points, references: points, operation: "PrecisionRecall")
        let kept = k + 1
        // Per row, the `kept` smallest squared distances so far, in ascending order.
        var smallest = [Float](repeating: .infinity, count: distances.queryCount * kept)
        smallest.withUnsafeMutableBufferPointer { smallest in
            distances.forEachBlock { rows, columns, block in
                PairwiseDistances.forRows(rows.count) { localRows in
                    for local in localRows {
                        let best = smallest.baseAddress! + (rows.lowerBound + local) * kept
                        for column in 0..<columns.count {
                            var value = block[local * columns.count + column]
                            guard value < best[kept - 1] else { continue }
                            // Insert into the sorted list, dropping its largest entry.
                            var slot = kept - 1
                            while slot > 0 && best[slot - 1] > value {
                                best[slot] = best[slot - 1]
                                slot -= 1
                            }
                            swap(&best[slot], &value)
                        }
                    }
                }
            }
        }
        return (0..<distances.queryCount).map { smallest[$0 * kept + k] }
    }

    /// The fraction of `queries` within distance `radii[j]` of some point `j` of `manifold`.
    static func fractionInside(_ queries: Tensor, manifold: Tensor, radii: [Float]) -> Double {
        let distances = PairwiseDistances(
            queries: queries, references: manifold, operation: "PrecisionRecall")
        var inside = [Bool](repeating: false, count: distances.queryCount)
        inside.withUnsafeMutableBufferPointer { inside in
            radii.withUnsafeBufferPointer { radii in
                distances.forEachBlock { rows, columns, block in
                    PairwiseDistances.forRows(rows.count) { localRows in
                        for local in localRows where !inside[rows.lowerBound + local] {
                            let values = block.baseAddress! + local * columns.count
                            let bounds = radii.baseAddress! + columns.lowerBound
                            var found = false
                            for column in 0..<columns.count where values[column] <= bounds[column] {
                                found = true
                                break
                            }
                            inside[rows.lowerBound + local] = found
                        }
                    }
                }
            }
        }
        return Double(inside.filter { $0 }.count) / Double(max(inside.count, 1))
    }
}
