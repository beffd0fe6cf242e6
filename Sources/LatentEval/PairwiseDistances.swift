import LatentTensor

/// Squared Euclidean distances between the rows of two matrices, produced block by block so
/// memory stays bounded whatever the row counts.
///
/// Above ``directDimensionLimit`` dimensions a block is `‖q‖² + ‖r‖² − 2 q·rᵀ`, the product by
/// GEMM; both sets are first shifted by the mean of the references (distances do not change, and
/// the smaller norms lose less to cancellation in Float). At or below the limit the differences
/// are formed directly, which is exact to rounding and as fast when there is little to multiply.
struct PairwiseDistances {
    /// Dimensions at or below which distances are computed from differences, not by GEMM.
    static let directDimensionLimit = 16

    /// Queries, row-major `[queryCount, dimension]`, shifted by the references' mean.
    let queries: [Float]
    /// References, row-major `[referenceCount, dimension]`, shifted by their mean.
    let references: [Float]
    /// ‖q‖² of each shifted query.
    let queryNorms: [Float]
    /// ‖r‖² of each shifted reference.
    let referenceNorms: [Float]
    let queryCount: Int
    let referenceCount: Int
    let dimension: Int
    /// Whether blocks are formed by GEMM.
    let usesGEMM: Bool

    /// Prepares distances from each row of `queries` to each row of `references`.
    ///
    /// - Parameters:
    ///   - queries: `[queryCount, dimension]` (higher ranks are flattened from axis 1).
    ///   - references: `[referenceCount, dimension]`.
    ///   - operation: the caller's name, for precondition messages.
    init(queries: Tensor, references: Tensor, operation: String, forcesGEMM: Bool = false) {
        let q = queries.rank == 2 ? queries : queries.flattened(fromAxis: 1)
        let r = references.rank == 2 ? references : references.flattened(fromAxis: 1)
        precondition(
            q.rank == 2 && r.rank == 2 && q.shape[1] == r.shape[1],
            "\(operation): points of shape \(queries.shape) and \(references.shape) differ in dimension"
        )
        queryCount = q.shape[0]
        referenceCount = r.shape[0]
        dimension = q.shape[1]
        usesGEMM = forcesGEMM || dimension > Self.directDimensionLimit
        var mean = [Double](repeating: 0, count: dimension)
        let (dimension, referenceCount) = (dimension, referenceCount)
        r.withUnsafeScalars { scalars in
            for row in 0..<referenceCount {
                for column in 0..<dimension {
                    mean[column] += Double(scalars[row * dimension + column])
                }
            }
        }
        let shift = mean.map { Float($0 / Double(Swift.max(referenceCount, 1))) }
        func shifted(_ tensor: Tensor) -> [Float] {
            tensor.withUnsafeScalars { scalars in
                var result = [Float](repeating: 0, count: scalars.count)
                for start in stride(from: 0, to: scalars.count, by: Swift.max(dimension, 1)) {
                    for axis in 0..<dimension {
                        result[start + axis] = scalars[start + axis] - shift[axis]
                    }
                }
                return result
            }
        }
        func norms(_ rows: [Float]) -> [Float] {
            stride(from: 0, to: rows.count, by: Swift.max(dimension, 1)).map { start in
                var sum: Float = 0
                for index in start..<(start + dimension) { sum += rows[index] * rows[index] }
                return sum
            }
        }
        self.queries = shifted(q)
        self.references = shifted(r)
        queryNorms = dimension == 0 ? [Float](repeating: 0, count: queryCount) : norms(self.queries)
        referenceNorms =
            dimension == 0 ? [Float](repeating: 0, count: referenceCount) : norms(self.references)
    }

    /// Calls `body` once per block with the squared distances (clamped at 0) of queries
    /// `rows` to references `columns`, row-major with row stride `columns.count`.
    ///
    /// Blocks arrive in order: all column blocks of one row block, then the next row block.
    func forEachBlock(
        rowsPerBlock: Int = 512, columnsPerBlock: Int = 2048,
        _ body: (
            _ rows: Range<Int>, _ columns: Range<Int>,
            _ distances: UnsafeMutableBufferPointer<Float>
        ) -> Void
    ) {
        let blockRows = Swift.max(1, Swift.min(rowsPerBlock, queryCount))
        let blockColumns = Swift.max(1, Swift.min(columnsPerBlock, referenceCount))
        let block = UnsafeMutableBufferPointer<Float>.allocate(capacity: blockRows * blockColumns)
        defer { block.deallocate() }
        for rowStart in stride(from: 0, to: queryCount, by: blockRows) {
            let rows = rowStart..<Swift.min(rowStart + blockRows, queryCount)
            for columnStart in stride(from: 0, to: referenceCount, by: blockColumns) {
                let columns = columnStart..<Swift.min(columnStart + blockColumns, referenceCount)
                let distances = UnsafeMutableBufferPointer(
                    rebasing: block[0..<(rows.count * columns.count)])
                fill(distances, rows: rows, columns: columns)
                body(rows, columns, distances)
            }
        }
    }

    /// Writes one block of squared distances.
    private func fill(
        _ distances: UnsafeMutableBufferPointer<Float>, rows: Range<Int>, columns: Range<Int>
    ) {
        let width = columns.count
        let dimension = dimension
        queries.withUnsafeBufferPointer { q in
            references.withUnsafeBufferPointer { r in
                if usesGEMM {
                    GEMM.multiply(
                        transposingA: false, transposingB: true, m: rows.count, n: width,
                        k: dimension,
                        alpha: -2, a: q.baseAddress! + rows.lowerBound * dimension, lda: dimension,
                        b: r.baseAddress! + columns.lowerBound * dimension, ldb: dimension,
                        beta: 0, c: distances.baseAddress!, ldc: width)
                    queryNorms.withUnsafeBufferPointer { queryNorms in
                        referenceNorms.withUnsafeBufferPointer { referenceNorms in
                            Self.forRows(rows.count) { localRows in
                                for local in localRows {
                                    let queryNorm = queryNorms[rows.lowerBound + local]
                                    let base = local * width
                                    for column in 0..<width {
                                        let value =
                                            distances[base + column] + queryNorm
                                            + referenceNorms[columns.lowerBound + column]
                                        distances[base + column] = Swift.max(value, 0)
                                    }
                                }
                            }
                        }
                    }
                } else {
                    Self.forRows(rows.count) { localRows in
                        for local in localRows {
                            let queryBase = (rows.lowerBound + local) * dimension
                            for column in 0..<width {
                                let referenceBase = (columns.lowerBound + column) * dimension
                                var sum: Float = 0
                                for axis in 0..<dimension {
                                    let difference = q[queryBase + axis] - r[referenceBase + axis]
                                    sum += difference * difference
                                }
                                distances[local * width + column] = sum
                            }
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` on disjoint ranges covering `0..<count`, one per thread of
    /// ``Parallel/threadCount`` when each gets at least `minimumRowsPerThread` rows.
    static func forRows(_ count: Int, minimumRowsPerThread: Int = 8, _ body: (Range<Int>) -> Void) {
        Parallel.splitting(count, grain: Swift.max(minimumRowsPerThread, 1), body)
    }
}
