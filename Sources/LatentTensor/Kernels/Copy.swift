/// Copies between row-major layouts: boxes (slices, padding, concatenation) and permutations.
enum Copy {
    /// Copies the box of size `extent` at `sourceOrigin` in a `sourceShape` array to
    /// `targetOrigin` in a `targetShape` array; the innermost axis moves as contiguous runs.
    static func box(
        from source: UnsafeMutablePointer<Float>, shape sourceShape: [Int], origin sourceOrigin: [Int],
        to target: UnsafeMutablePointer<Float>, shape targetShape: [Int], origin targetOrigin: [Int],
        extent: [Int]
    ) {
        let rank = extent.count
        if rank == 0 { target[0] = source[0]; return }
        if extent.contains(0) { return }
        let sourceStrides = Shape.strides(sourceShape), targetStrides = Shape.strides(targetShape)
        let run = extent[rank - 1]
        let rows = extent.dropLast().reduce(1, *)
        var coordinate = [Int](repeating: 0, count: rank - 1)
        for _ in 0..<rows {
            var sourceOffset = sourceOrigin[rank - 1], targetOffset = targetOrigin[rank - 1]
            for axis in 0..<(rank - 1) {
                sourceOffset += (sourceOrigin[axis] + coordinate[axis]) * sourceStrides[axis]
                targetOffset += (targetOrigin[axis] + coordinate[axis]) * targetStrides[axis]
            }
            (target + targetOffset).update(from: source + sourceOffset, count: run)
            var axis = rank - 2
            while axis >= 0 {
                coordinate[axis] += 1
                if coordinate[axis] < extent[axis] { break }
                coordinate[axis] = 0
                axis -= 1
            }
        }
    }

    /// The tensor's scalars with axes reordered (result axis `i` is input axis `axes[i]`).
    static func permute(_ x: Tensor, axes: [Int]) -> TensorStorage {
        let shape = x.shape, rank = shape.count
        let newShape = axes.map { shape[$0] }
        let inputStrides = Shape.strides(shape)
        let strides = axes.map { inputStrides[$0] }  // input stride of each output axis
        let result = TensorStorage(uninitializedCount: x.scalarCount)
        let source = x.storage.base, target = result.base
        if rank == 2 || (axes.dropLast(2) == ArraySlice(0..<(rank - 2)) && axes.suffix(2) == [rank - 1, rank - 2]) {
            // Batched matrix transpose in 32×32 tiles, so both sides stay in cache.
            let rows = shape[rank - 2], columns = shape[rank - 1]
            let batch = x.scalarCount / Swift.max(rows * columns, 1)
            for matrix in 0..<batch {
                let input = source + matrix * rows * columns, output = target + matrix * rows * columns
                for rowBlock in stride(from: 0, to: rows, by: 32) {
                    for columnBlock in stride(from: 0, to: columns, by: 32) {
                        for row in rowBlock..<Swift.min(rowBlock + 32, rows) {
                            for column in columnBlock..<Swift.min(columnBlock + 32, columns) {
                                output[column * rows + row] = input[row * columns + column]
                            }
                        }
                    }
                }
            }
            return result
        }
        let inner = newShape[rank - 1], innerStride = strides[rank - 1]
        let rows = newShape.dropLast().reduce(1, *)
        var coordinate = [Int](repeating: 0, count: rank - 1)
        var out = target
        for _ in 0..<rows {
            var offset = 0
            for axis in 0..<(rank - 1) { offset += coordinate[axis] * strides[axis] }
            let input = source + offset
            for index in 0..<inner { out[index] = input[index * innerStride] }
            out += inner
            var axis = rank - 2
            while axis >= 0 {
                coordinate[axis] += 1
                if coordinate[axis] < newShape[axis] { break }
                coordinate[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
