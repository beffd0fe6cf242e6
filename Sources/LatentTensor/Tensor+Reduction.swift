extension Tensor {
    // MARK: - Sums and means

    /// The sum of all elements, as a rank-0 tensor.
    public func sum() -> Tensor { reshaped(to: [scalarCount]).sum(alongAxes: [0]) }

    /// Sums along `axes`, removing them unless `keepingDimensions` is set.
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative values count from the end.
    ///   - keepingDimensions: keep each reduced axis with size 1 (for broadcasting back).
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let normalized = Set(axes.map { Shape.normalize(axis: $0, of: shape, operation: "sum") })
        var kept = shape
        for axis in normalized { kept[axis] = 1 }
        // Adjacent reduced axes are one axis of the row-major layout, so each run of them is
        // reduced in one pass ([N, C, H, W] over [0, 2, 3]: two passes, not three).
        var merged: [(size: Int, isReduced: Bool)] = []
        for (axis, size) in shape.enumerated() {
            let isReduced = normalized.contains(axis)
            if let last = merged.last, last.isReduced == isReduced || size == 1 || last.size == 1 {
                let reduced = last.size == 1 ? isReduced : (size == 1 ? last.isReduced : isReduced)
                merged[merged.count - 1] = (last.size * size, reduced)
            } else {
                merged.append((size, isReduced))
            }
        }
        var storage = self.storage
        var sizes = merged.map(\.size)
        for axis in merged.indices.reversed() where merged[axis].isReduced && merged[axis].size != 1 {
            let (outer, count, inner) = Reduce.view(sizes, axis: axis)
            storage = Reduce.sum(storage.base, outer: outer, count: count, inner: inner)
            sizes[axis] = 1
        }
        let result = Tensor(shape: kept, storage: storage)
        let keptShape = kept
        let finalShape = keepingDimensions ? kept : shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
        let input = self
        return Tensor(shape: finalShape, storage: result.storage, recording: [input], operation: "sum") {
            upstream, _ in [upstream.reshaped(to: keptShape).expanded(to: input.shape)]
        }
    }

    /// Sums along one axis.
    public func sum(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        sum(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    /// The mean of all elements, as a rank-0 tensor.
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(scalarCount, 1))) }

    /// The mean along `axes`.
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let count = Set(axes.map { Shape.normalize(axis: $0, of: shape, operation: "mean") })
            .reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) * (1 / Float(Swift.max(count, 1)))
    }

    /// The mean along one axis.
    public func mean(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        mean(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    /// The biased variance (dividing by the count, as BatchNorm uses) along `axes`.
    public func variance(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let centered = self - mean(alongAxes: axes, keepingDimensions: true)
        return centered.squared().mean(alongAxes: axes, keepingDimensions: keepingDimensions)
    }

    /// The biased variance along one axis.
    public func variance(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        variance(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    /// `log(sum(exp(x)))` along `axes`, computed with the maximum subtracted so it cannot overflow.
    public func logSumExp(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let normalized = Set(axes.map { Shape.normalize(axis: $0, of: shape, operation: "logSumExp") })
        var shift = detached()
        for axis in normalized { shift = shift.max(alongAxis: axis, keepingDimensions: true) }
        // An all-(−inf) slice would give inf − inf; shift those by 0 instead.
        shift = Tensor(shape: shift.shape, storage: Elementwise.map(shift, Scalar.FiniteOrZero()))
        let result = (self - shift).exp().sum(alongAxes: axes, keepingDimensions: true).log() + shift
        guard !keepingDimensions else { return result }
        return result.reshaped(to: shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element))
    }

    /// `log(sum(exp(x)))` along one axis.
    public func logSumExp(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        logSumExp(alongAxes: [axis], keepingDimensions: keepingDimensions)
    }

    // MARK: - Extrema

    /// The maximum along `axis`; the gradient flows to the first position of the maximum.
    public func max(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        extremum(alongAxis: axis, keepingDimensions: keepingDimensions, largest: true)
    }

    /// The minimum along `axis`; the gradient flows to the first position of the minimum.
    public func min(alongAxis axis: Int, keepingDimensions: Bool = false) -> Tensor {
        extremum(alongAxis: axis, keepingDimensions: keepingDimensions, largest: false)
    }

    /// The largest element, as a rank-0 tensor.
    public func max() -> Tensor { reshaped(to: [scalarCount]).max(alongAxis: 0) }

    /// The smallest element, as a rank-0 tensor.
    public func min() -> Tensor { reshaped(to: [scalarCount]).min(alongAxis: 0) }

    /// The index of the largest element along `axis` (first on ties); no gradient.
    public func argmax(alongAxis axis: Int) -> [Int] {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "argmax")
        let (outer, count, inner) = Reduce.view(shape, axis: axis)
        return Reduce.extremum(storage.base, outer: outer, count: count, inner: inner, largest: true).indices
    }

    private func extremum(alongAxis axis: Int, keepingDimensions: Bool, largest: Bool) -> Tensor {
        let name = largest ? "max" : "min"
        let axis = Shape.normalize(axis: axis, of: shape, operation: name)
        let (outer, count, inner) = Reduce.view(shape, axis: axis)
        let (values, indices) = Reduce.extremum(
            storage.base, outer: outer, count: count, inner: inner, largest: largest)
        var kept = shape
        kept[axis] = 1
        var removed = shape
        removed.remove(at: axis)
        let input = self, keptShape = kept
        return Tensor(shape: keepingDimensions ? kept : removed, storage: values, recording: [input],
                      operation: name) { upstream, _ in
            // A constant one-hot mask of the selected positions: linear in the upstream.
            let mask = Tensor(zeros: input.shape)
            for row in 0..<outer {
                for column in 0..<inner {
                    mask.storage.base[(row * count + indices[row * inner + column]) * inner + column] = 1
                }
            }
            return [upstream.reshaped(to: keptShape).expanded(to: input.shape) * mask]
        }
    }

    // MARK: - Undoing broadcasts

    /// Sums this tensor down to `target`, the shape it was broadcast from (the adjoint of
    /// broadcasting; used by the pullbacks of broadcasting operations).
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let extra = rank - target.count
        precondition(extra >= 0, "summed(toShape:): cannot sum \(shape) to the larger shape \(target)")
        var axes = Array(0..<extra)
        for (index, size) in target.enumerated() where size == 1 && shape[extra + index] != 1 {
            axes.append(extra + index)
        }
        for (index, size) in target.enumerated() {
            precondition(
                size == shape[extra + index] || size == 1,
                "summed(toShape:): shape \(shape) was not broadcast from \(target)")
        }
        return sum(alongAxes: axes, keepingDimensions: true).reshaped(to: target)
    }
}
