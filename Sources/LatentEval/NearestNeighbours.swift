import LatentTensor

/// The nearest references of each query in Euclidean distance: for spotting memorisation, each
/// generated sample beside the training examples closest to it.
public enum NearestNeighbours {
    /// For every query row, the indices of its `count` nearest reference rows, closest first.
    ///
    /// - Parameters:
    ///   - queries: `[m, d]` (or `[m, …]`, flattened) points.
    ///   - references: `[n, d]` points with the same trailing size.
    ///   - count: neighbours per query, at most `n`.
    /// - Returns: `m` lists of `count` indices into `references`.
    public static func indices(of queries: Tensor, in references: Tensor, count: Int) -> [[Int]] {
        let queries = queries.rank == 2 ? queries : queries.flattened()
        let references = references.rank == 2 ? references : references.flattened()
        precondition(count >= 1 && count <= references.shape[0],
                     "NearestNeighbours: count \(count) is not in 1...\(references.shape[0])")
        let distances = PairwiseDistances(queries: queries, references: references, operation: "NearestNeighbours")
        var best = [[(distance: Float, index: Int)]](repeating: [], count: queries.shape[0])
        distances.forEachBlock { rows, columns, block in
            for local in 0..<rows.count {
                var list = best[rows.lowerBound + local]
                for column in 0..<columns.count {
                    let value = block[local * columns.count + column]
                    if list.count == count, value >= list[count - 1].distance { continue }
                    // Insert in order, keeping at most `count`.
                    let position = list.firstIndex { $0.distance > value } ?? list.count
                    list.insert((value, columns.lowerBound + column), at: position)
                    if list.count > count { list.removeLast() }
                }
                best[rows.lowerBound + local] = list
            }
        }
        return best.map { $0.map(\.index) }
    }
}
