/// Element-wise loops over tensor storage.
///
/// The loops take the element function as a type (``UnaryScalarFunction``,
/// ``BinaryScalarFunction``), are specialised for it and split across cores when large; the
/// overloads taking a closure stay on the calling thread, where the closure is inlined into the
/// loop (on another thread it would be called through a pointer per element).
enum Elementwise {
    /// `result[i] = function(x[i])`.
    @inline(__always)
    static func map<Function: UnaryScalarFunction>(_ x: Tensor, _ function: Function) -> TensorStorage {
        let result = TensorStorage(uninitializedCount: x.scalarCount)
        let source = x.storage.base, target = result.base
        Parallel.forRanges(x.scalarCount) { range in
            for index in range { target[index] = function(source[index]) }
        }
        return result
    }

    /// `result[i] = transform(x[i])`, on the calling thread.
    @inline(__always)
    static func map(_ x: Tensor, _ transform: (Float) -> Float) -> TensorStorage {
        let result = TensorStorage(uninitializedCount: x.scalarCount)
        let source = x.storage.base, target = result.base
        for index in 0..<x.scalarCount { target[index] = transform(source[index]) }
        return result
    }

    /// `result[i] = function(a[i], b[i])` for equal shapes.
    @inline(__always)
    static func zipSameShape<Function: BinaryScalarFunction>(
        _ a: Tensor, _ b: Tensor, _ function: Function
    ) -> TensorStorage {
        let result = TensorStorage(uninitializedCount: a.scalarCount)
        let left = a.storage.base, right = b.storage.base, target = result.base
        Parallel.forRanges(a.scalarCount) { range in
            for index in range { target[index] = function(left[index], right[index]) }
        }
        return result
    }

    /// `result[i] = combine(a[i], b[i])` for equal shapes, on the calling thread.
    @inline(__always)
    static func zipSameShape(
        _ a: Tensor, _ b: Tensor, _ combine: (Float, Float) -> Float
    ) -> TensorStorage {
        let result = TensorStorage(uninitializedCount: a.scalarCount)
        let left = a.storage.base, right = b.storage.base, target = result.base
        for index in 0..<a.scalarCount { target[index] = combine(left[index], right[index]) }
        return result
    }

    /// `target[i] += source[i]` over storages of equal size; the caller owns `target` alone.
    static func addInPlace(_ target: TensorStorage, _ source: TensorStorage) {
        precondition(target.count == source.count, "addInPlace: \(target.count) and \(source.count) scalars")
        let destination = target.base, values = source.base
        Parallel.forRanges(target.count) { range in
            for index in range { destination[index] += values[index] }
        }
    }

    /// `result[i] = a[i] * b[i] + c[i]` for equal shapes, in one pass (two roundings, as the
    /// separate ops).
    static func multiplyAdd(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> TensorStorage {
        let result = TensorStorage(uninitializedCount: a.scalarCount)
        let x = a.storage.base, y = b.storage.base, z = c.storage.base, target = result.base
        Parallel.forRanges(a.scalarCount) { range in
            for index in range { target[index] = x[index] * y[index] + z[index] }
        }
        return result
    }

    /// `function` applied with NumPy broadcasting; returns the result's shape and storage.
    @inline(__always)
    static func zip<Function: BinaryScalarFunction>(
        _ a: Tensor, _ b: Tensor, operation: String, _ function: Function
    ) -> ([Int], TensorStorage) {
        if a.shape == b.shape { return (a.shape, zipSameShape(a, b, function)) }
        let shape = Shape.broadcast(a.shape, b.shape, operation: operation)
        let count = shape.elementCount
        let result = TensorStorage(uninitializedCount: count)
        let left = a.storage.base, right = b.storage.base, target = result.base
        if b.scalarCount == 1 && a.scalarCount == count {
            let value = right[0]
            Parallel.forRanges(count) { range in
                for index in range { target[index] = function(left[index], value) }
            }
            return (shape, result)
        }
        if a.scalarCount == 1 && b.scalarCount == count {
            let value = left[0]
            Parallel.forRanges(count) { range in
                for index in range { target[index] = function(value, right[index]) }
            }
            return (shape, result)
        }
        let plan = BroadcastPlan(output: shape, inputs: [a.shape, b.shape])
        let inner = plan.innerCount
        let strideA = plan.innerStrides[0], strideB = plan.innerStrides[1]
        Parallel.forRanges(plan.outerCount, grain: max(1, Parallel.grain / max(inner, 1))) { rows in
            for row in rows {
                let (offsetA, offsetB) = plan.offsets(ofOuterIndex: row)
                let x = left + offsetA, y = right + offsetB, out = target + row * inner
                switch (strideA, strideB) {
                case (1, 1): for index in 0..<inner { out[index] = function(x[index], y[index]) }
                case (1, 0):
                    let value = y[0]
                    for index in 0..<inner { out[index] = function(x[index], value) }
                case (0, 1):
                    let value = x[0]
                    for index in 0..<inner { out[index] = function(value, y[index]) }
                default:
                    let value = function(x[0], y[0])
                    for index in 0..<inner { out[index] = value }
                }
            }
        }
        return (shape, result)
    }

    /// Copies `x` broadcast to `shape`.
    static func expand(_ x: Tensor, to shape: [Int]) -> TensorStorage {
        let plan = BroadcastPlan(output: shape, inputs: [x.shape])
        let result = TensorStorage(uninitializedCount: shape.elementCount)
        let source = x.storage.base, target = result.base
        let inner = plan.innerCount, innerStride = plan.innerStrides[0]
        for row in 0..<plan.outerCount {
            let input = source + plan.offsets(ofOuterIndex: row).0, out = target + row * inner
            if innerStride == 1 {
                out.update(from: input, count: inner)
            } else {
                out.update(repeating: input[0], count: inner)
            }
        }
        return result
    }
}

/// How the inputs of a broadcast operation are addressed: the output is walked as
/// `outerCount` rows of `innerCount` contiguous scalars; each input advances by stride 0 or 1
/// inside a row and starts each row at an offset computed from the row index.
struct BroadcastPlan {
    let innerCount: Int
    let outerCount: Int
    /// Per input, its stride along the innermost (merged) axis: 0 or 1.
    let innerStrides: [Int]
    private let outerShape: [Int]
    /// Per input, its strides along the outer axes (0 where broadcast).
    private let outerStrides: [[Int]]

    init(output: [Int], inputs: [[Int]]) {
        let rank = output.count
        // Strides of each input in output coordinates, 0 along broadcast axes.
        var strides = inputs.map { input -> [Int] in
            let padded = [Int](repeating: 1, count: rank - input.count) + input
            let natural = Shape.strides(padded)
            return (0..<rank).map { padded[$0] == 1 && output[$0] != 1 ? 0 : natural[$0] }
        }
        var shape = output
        // Merge adjacent axes that every input walks contiguously (or broadcasts) together.
        var axis = shape.count - 1
        while axis > 0 {
            let mergeable = strides.allSatisfy { $0[axis - 1] == $0[axis] * shape[axis] }
            if mergeable {
                shape[axis - 1] *= shape[axis]
                shape.remove(at: axis)
                for index in strides.indices { strides[index].remove(at: axis - 1) }
            }
            axis -= 1
        }
        if shape.isEmpty {
            shape = [1]
            strides = strides.map { _ in [1] }
        }
        innerCount = shape.last!
        outerShape = Array(shape.dropLast())
        outerCount = outerShape.elementCount
        // An input whose inner stride is not 1 broadcasts along it (stride 0).
        innerStrides = strides.map { $0.last! == 1 ? 1 : 0 }
        outerStrides = strides.map { Array($0.dropLast()) }
    }

    /// The starting offsets of the first and (when there is one) second input for the given
    /// outer row; computed without allocating, since it runs once per row.
    @inline(__always)
    func offsets(ofOuterIndex index: Int) -> (Int, Int) {
        var remainder = index
        var first = 0, second = 0
        let hasSecond = outerStrides.count > 1
        for axis in stride(from: outerShape.count - 1, through: 0, by: -1) {
            let coordinate = remainder % outerShape[axis]
            remainder /= outerShape[axis]
            first += coordinate * outerStrides[0][axis]
            if hasSecond { second += coordinate * outerStrides[1][axis] }
        }
        return (first, second)
    }
}
