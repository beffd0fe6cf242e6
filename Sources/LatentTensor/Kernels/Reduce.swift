/// Reductions along one axis of a row-major tensor viewed as `[outer, count, inner]`.
enum Reduce {
    /// The `(outer, count, inner)` view of `shape` around `axis`.
    static func view(_ shape: [Int], axis: Int) -> (outer: Int, count: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sums along the middle axis of `[outer, count, inner]`.
    static func sum(_ source: UnsafePointer<Float>, outer: Int, count: Int, inner: Int) -> TensorStorage {
        let result = TensorStorage(count: outer * inner, repeating: 0)
        let target = result.base
        if inner == 1 {
            Parallel.forRanges(outer, grain: max(1, Parallel.grain / max(count, 1))) { rows in
                for row in rows {
                    let input = source + row * count
                    // Four accumulators let the loop vectorise and keep rounding error lower.
                    var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                    var index = 0
                    while index + 4 <= count {
                        s0 += input[index]; s1 += input[index + 1]
                        s2 += input[index + 2]; s3 += input[index + 3]
                        index += 4
                    }
                    while index < count { s0 += input[index]; index += 1 }
                    target[row] = (s0 + s1) + (s2 + s3)
                }
            }
        } else {
            Parallel.forRanges(outer * inner, grain: max(1, Parallel.grain / max(count, 1))) { range in
                // Split the output range into whole or partial inner runs.
                var position = range.lowerBound
                while position < range.upperBound {
                    let row = position / inner, column = position % inner
                    let run = Swift.min(inner - column, range.upperBound - position)
                    let out = target + position
                    for slice in 0..<count {
                        let input = source + (row * count + slice) * inner + column
                        for index in 0..<run { out[index] += input[index] }
                    }
                    position += run
                }
            }
        }
        return result
    }

    /// The maximum (or minimum) along the middle axis and the index where it first occurs.
    static func extremum(
        _ source: UnsafePointer<Float>, outer: Int, count: Int, inner: Int, largest: Bool
    ) -> (values: TensorStorage, indices: [Int]) {
        precondition(count > 0, "max/min: cannot reduce an axis of size 0")
        let values = TensorStorage(uninitializedCount: outer * inner)
        var indices = [Int](repeating: 0, count: outer * inner)
        for row in 0..<outer {
            for column in 0..<inner {
                var best = source[row * count * inner + column]
                var bestIndex = 0
                for slice in 1..<max(count, 1) {
                    let value = source[(row * count + slice) * inner + column]
                    if largest ? value > best : value < best { best = value; bestIndex = slice }
                    if value.isNaN { best = value; bestIndex = slice; break }
                }
                values.base[row * inner + column] = best
                indices[row * inner + column] = bestIndex
            }
        }
        return (values, indices)
    }
}
