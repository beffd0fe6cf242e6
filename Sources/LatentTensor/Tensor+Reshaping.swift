extension Tensor {
    /// The same scalars viewed with another shape (no copy); one dimension may be -1 (inferred).
    public func reshaped(to newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && scalarCount % known == 0,
                         "reshaped(to:): cannot infer -1 in \(newShape) for \(scalarCount) scalars of shape \(shape)")
            resolved[inferred] = scalarCount / known
        }
        precondition(resolved.elementCount == scalarCount,
                     "reshaped(to:): shape \(shape) (\(scalarCount) scalars) cannot become \(newShape)")
        if resolved == shape { return self }
        let input = self
        return Tensor(shape: resolved, storage: storage, recording: [input], operation: "reshape") {
            upstream, _ in [upstream.reshaped(to: input.shape)]
        }
    }

    /// Merges the axes from `axis` on into one: `[N, C, H, W]` → `[N, C·H·W]` for `axis` 1.
    public func flattened(fromAxis axis: Int = 1) -> Tensor {
        let axis = axis == rank ? axis : Shape.normalize(axis: axis, of: shape, operation: "flattened(fromAxis:)")
        return reshaped(to: Array(shape[..<axis]) + [shape[axis...].reduce(1, *)])
    }

    /// Inserts an axis of size 1 at `axis`.
    public func unsqueezed(at axis: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank + 1, operation: "unsqueezed(at:)")
        var newShape = shape
        newShape.insert(1, at: axis)
        return reshaped(to: newShape)
    }

    /// Removes the axis `axis`, which must have size 1.
    public func squeezed(at axis: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "squeezed(at:)")
        precondition(shape[axis] == 1, "squeezed(at:): axis \(axis) of shape \(shape) has size \(shape[axis]), not 1")
        var newShape = shape
        newShape.remove(at: axis)
        return reshaped(to: newShape)
    }

    /// Removes every axis of size 1.
    public func squeezed() -> Tensor { reshaped(to: shape.filter { $0 != 1 }) }

    /// The tensor broadcast (copied) to `newShape` by NumPy rules.
    public func expanded(to newShape: [Int]) -> Tensor {
        if newShape == shape { return self }
        precondition(Shape.broadcast(shape, newShape, operation: "expanded(to:)") == newShape,
                     "expanded(to:): shape \(shape) cannot be broadcast to \(newShape)")
        let input = self
        return Tensor(shape: newShape, storage: Elementwise.expand(input, to: newShape),
                      recording: [input], operation: "expand") { upstream, _ in
            [upstream.summed(toShape: input.shape)]
        }
    }

    /// A 2-D tensor with its axes swapped; higher ranks swap the last two axes.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed(): needs rank ≥ 2, got shape \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// The axes reordered: result axis `i` is input axis `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank),
                     "permuted(_:): \(axes) is not a permutation of the axes of shape \(shape)")
        if axes == Array(0..<rank) { return self }
        let input = self
        let newShape = axes.map { shape[$0] }
        var inverse = [Int](repeating: 0, count: rank)
        for (index, axis) in axes.enumerated() { inverse[axis] = index }
        return Tensor(shape: newShape, storage: Copy.permute(input, axes: axes), recording: [input],
                      operation: "permute") { upstream, _ in [upstream.permuted(inverse)] }
    }

    // MARK: - Slicing and padding

    /// The elements whose index along `axis` lies in `range`.
    public func sliced(_ range: Range<Int>, alongAxis axis: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "sliced(_:alongAxis:)")
        var lower = [Int](repeating: 0, count: rank), upper = shape
        lower[axis] = range.lowerBound
        upper[axis] = range.upperBound
        return window(lower: lower, upper: upper)
    }

    /// The box `lower[i] ..< upper[i]` along every axis.
    public func window(lower: [Int], upper: [Int]) -> Tensor {
        precondition(lower.count == rank && upper.count == rank
                     && zip(lower, upper).allSatisfy { $0 >= 0 && $0 <= $1 }
                     && zip(upper, shape).allSatisfy { $0 <= $1 },
                     "window(lower:upper:): \(lower)..<\(upper) is outside shape \(shape)")
        if lower.allSatisfy({ $0 == 0 }) && upper == shape { return self }
        let input = self
        let newShape = zip(lower, upper).map { $1 - $0 }
        let result = TensorStorage(uninitializedCount: newShape.elementCount)
        Copy.box(from: storage.base, shape: shape, origin: lower, to: result.base, shape: newShape, origin: .init(repeating: 0, count: rank), extent: newShape)
        return Tensor(shape: newShape, storage: result, recording: [input], operation: "slice") {
            upstream, _ in
            [upstream.padded(before: lower, after: zip(input.shape, upper).map { $0 - $1 })]
        }
    }

    /// Surrounded by zeros: `before[i]` zeros ahead of and `after[i]` zeros behind each axis.
    public func padded(before: [Int], after: [Int]) -> Tensor {
        precondition(before.count == rank && after.count == rank
                     && before.allSatisfy { $0 >= 0 } && after.allSatisfy { $0 >= 0 },
                     "padded(before:after:): widths \(before), \(after) do not fit shape \(shape)")
        let input = self
        let newShape = (0..<rank).map { shape[$0] + before[$0] + after[$0] }
        if newShape == shape { return self }
        let result = TensorStorage(count: newShape.elementCount, repeating: 0)
        Copy.box(from: storage.base, shape: shape, origin: .init(repeating: 0, count: rank), to: result.base, shape: newShape, origin: before, extent: shape)
        return Tensor(shape: newShape, storage: result, recording: [input], operation: "pad") {
            upstream, _ in
            [upstream.window(lower: before, upper: zip(before, input.shape).map { $0 + $1 })]
        }
    }

    /// Zero padding of the two spatial axes of `[batch, channels, height, width]`.
    public func padded(spatial padding: Int) -> Tensor {
        precondition(rank == 4, "padded(spatial:): needs [batch, channels, height, width], got \(shape)")
        return padded(before: [0, 0, padding, padding], after: [0, 0, padding, padding])
    }

    // MARK: - Gathering and scattering

    /// The slices at `indices` along `axis`, in that order (minibatches, embedding lookup).
    public func gathered(indices: [Int], alongAxis axis: Int = 0) -> Tensor {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "gathered(indices:alongAxis:)")
        let (outer, count, inner) = Reduce.view(shape, axis: axis)
        for index in indices {
            precondition(index >= 0 && index < count,
                         "gathered(indices:alongAxis:): index \(index) is out of range 0..<\(count) along axis \(axis) of \(shape)")
        }
        var newShape = shape
        newShape[axis] = indices.count
        let result = TensorStorage(uninitializedCount: newShape.elementCount)
        let source = storage.base, target = result.base
        for row in 0..<outer {
            for (position, index) in indices.enumerated() {
                (target + (row * indices.count + position) * inner)
                    .update(from: source + (row * count + index) * inner, count: inner)
            }
        }
        let input = self
        return Tensor(shape: newShape, storage: result, recording: [input], operation: "gather") {
            upstream, _ in [upstream.scatteredAdding(indices: indices, alongAxis: axis, size: count)]
        }
    }

    /// The adjoint of ``gathered(indices:alongAxis:)``: slice `i` of this tensor is added into
    /// slice `indices[i]` of a zero tensor whose `axis` has `size` entries.
    public func scatteredAdding(indices: [Int], alongAxis axis: Int, size: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "scatteredAdding")
        precondition(shape[axis] == indices.count,
                     "scatteredAdding: \(indices.count) indices for axis \(axis) of shape \(shape)")
        let (outer, _, inner) = Reduce.view(shape, axis: axis)
        var newShape = shape
        newShape[axis] = size
        let result = TensorStorage(count: newShape.elementCount, repeating: 0)
        let source = storage.base, target = result.base
        for row in 0..<outer {
            for (position, index) in indices.enumerated() {
                precondition(index >= 0 && index < size, "scatteredAdding: index \(index) out of range 0..<\(size)")
                let out = target + (row * size + index) * inner
                let input = source + (row * indices.count + position) * inner
                for element in 0..<inner { out[element] += input[element] }
            }
        }
        let input = self
        return Tensor(shape: newShape, storage: result, recording: [input], operation: "scatterAdd") {
            upstream, _ in [upstream.gathered(indices: indices, alongAxis: axis)]
        }
    }

    // MARK: - Joining and splitting

    /// Joins tensors along `axis`; all other axes must agree.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let axis = Shape.normalize(axis: axis, rank: first.rank, operation: "concatenate")
        for tensor in tensors {
            var a = tensor.shape, b = first.shape
            precondition(a.count == b.count, "concatenate: shapes \(first.shape) and \(tensor.shape) differ in rank")
            a[axis] = 0
            b[axis] = 0
            precondition(a == b, "concatenate: shapes \(first.shape) and \(tensor.shape) differ off axis \(axis)")
        }
        var newShape = first.shape
        newShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let result = TensorStorage(uninitializedCount: newShape.elementCount)
        var offset = 0
        var origin = [Int](repeating: 0, count: first.rank)
        var boundaries: [Range<Int>] = []
        for tensor in tensors {
            origin[axis] = offset
            Copy.box(from: tensor.storage.base, shape: tensor.shape, origin: .init(repeating: 0, count: first.rank),
                     to: result.base, shape: newShape, origin: origin, extent: tensor.shape)
            boundaries.append(offset..<(offset + tensor.shape[axis]))
            offset += tensor.shape[axis]
        }
        return Tensor(shape: newShape, storage: result, recording: tensors, operation: "concatenate") {
            upstream, needed in
            boundaries.indices.map { needed[$0] ? upstream.sliced(boundaries[$0], alongAxis: axis) : nil }
        }
    }

    /// Stacks equally shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors")
        return concatenate(tensors.map { $0.unsqueezed(at: axis) }, alongAxis: axis)
    }

    /// Splits along `axis` into pieces of the given sizes, which must add up to the axis length.
    public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "split(sizes:alongAxis:)")
        precondition(sizes.reduce(0, +) == shape[axis] && sizes.allSatisfy { $0 >= 0 },
                     "split(sizes:alongAxis:): sizes \(sizes) do not add up to \(shape[axis]) along axis \(axis) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return sliced(start..<(start + size), alongAxis: axis)
        }
    }

    /// Splits along `axis` into `count` pieces of equal size (the last one smaller if needed).
    public func chunked(into count: Int, alongAxis axis: Int = 0) -> [Tensor] {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "chunked(into:alongAxis:)")
        precondition(count > 0, "chunked(into:alongAxis:): count must be positive")
        let size = (shape[axis] + count - 1) / count
        var sizes: [Int] = []
        var remaining = shape[axis]
        while remaining > 0 { sizes.append(Swift.min(size, remaining)); remaining -= size }
        return split(sizes: sizes, alongAxis: axis)
    }
}
