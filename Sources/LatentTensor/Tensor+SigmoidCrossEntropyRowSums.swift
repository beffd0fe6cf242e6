extension Tensor {
    /// The binary cross-entropy of each row of logits against a row of labels, summed over the
    /// row: `Σ_j softplus(x_rj) − y_sj · x_rj` (the negative Bernoulli log-likelihood of the labels
    /// under these logits), in one pass with no copy of the labels.
    ///
    /// The labels are tiled along the rows: with logits `[rows, features]` and labels
    /// `[labelRows, features]`, row `r` is scored against label row `r mod labelRows`, as if the
    /// labels were `labels.expanded(to: [rows / labelRows, labelRows, features])` flattened to
    /// `[rows, features]`. This is the layout of several draws per example stacked sample-major,
    /// as importance sampling makes them. Equal to
    /// `sigmoidCrossEntropy(labels: tiledLabels).sum(alongAxis: 1)` up to Float rounding.
    ///
    /// The gradient is `upstream_r · (σ(x_rj) − y_sj)` for the logits and
    /// `−Σ_r upstream_r · x_rj` over the rows that share a label row for the labels.
    ///
    /// - Parameter labels: `[labelRows, features]` targets in [0, 1] (soft labels allowed).
    /// - Returns: `[rows]` sums.
    /// - Precondition: both are rank 2 with the same number of features, and `rows` is a
    ///   multiple of `labelRows`.
    public func sigmoidCrossEntropyRowSums(labels: Tensor) -> Tensor {
        precondition(
            rank == 2 && labels.rank == 2 && shape[1] == labels.shape[1] && labels.shape[0] > 0
                && shape[0] % labels.shape[0] == 0,
            "sigmoidCrossEntropyRowSums(labels:): logits \(shape) do not tile labels \(labels.shape)")
        let x = self
        let rows = shape[0], labelRows = labels.shape[0], features = shape[1]
        let result = TensorStorage(uninitializedCount: rows)
        let logits = x.storage.base, targets = labels.storage.base, output = result.base
        Parallel.forRanges(rows, grain: Swift.max(1, Parallel.grain / Swift.max(features, 1))) { range in
            // softplus(x) − y·x = (max(x, 0) − y·x) + log(1 + e^−|x|); the logarithms of a row add
            // up as the logarithm of a product, so the loop needs one exponential per element
            // and a row sixteen logarithms (lane-wise products, each factor in (1, 2]).
            let linear = UnsafeMutablePointer<Float>.allocate(capacity: 2 * features)
            defer { linear.deallocate() }
            let factors = linear + features
            for row in range {
                let l = logits + row * features, y = targets + (row % labelRows) * features
                // A straight element-wise loop the compiler vectorises.
                for index in 0..<features {
                    let value = l[index]
                    linear[index] = Swift.max(value, 0) - y[index] * value
                    factors[index] = 1 + VectorMath.expNonPositive(-Swift.abs(value))
                }
                output[row] = Tensor.laneSum(linear, count: features)
                    + Tensor.laneLogProduct(factors, count: features)
            }
        }
        return Tensor(shape: [rows], storage: result, recording: [x, labels],
                      operation: "sigmoidCrossEntropyRowSums") { upstream, needed in
            let tiles = rows / labelRows
            let weights = upstream.reshaped(to: [rows, 1])
            var logitGradient: Tensor? = nil
            if needed[0] {
                if GradientRecording.isEnabled {
                    let tiled = labels.expanded(to: [tiles, labelRows, features]).reshaped(to: [rows, features])
                    logitGradient = weights * (x.sigmoid() - tiled)
                } else {
                    // upstream_r · (σ(x) − y) in one pass, the labels read in place.
                    let gradient = TensorStorage(uninitializedCount: rows * features)
                    let factors = upstream.storage.base, target = gradient.base
                    Parallel.forRanges(rows, grain: Swift.max(1, Parallel.grain / Swift.max(features, 1))) { range in
                        for row in range {
                            let l = logits + row * features, y = targets + (row % labelRows) * features
                            let out = target + row * features, factor = factors[row]
                            for index in 0..<features {
                                out[index] = factor * (VectorMath.sigmoid(l[index]) - y[index])
                            }
                        }
                    }
                    logitGradient = Tensor(shape: [rows, features], storage: gradient)
                }
            }
            let labelGradient = needed[1]
                ? (-(weights * x)).reshaped(to: [tiles, labelRows, features]).sum(alongAxis: 0) : nil
            return [logitGradient, labelGradient]
        }
    }

    /// `Σ log(values)` for factors in [1, 2], as the logarithms of sixteen lane-wise products
    /// of at most 64 factors each (below 2⁶⁴, so nothing overflows).
    @inline(__always)
    static func laneLogProduct(_ values: UnsafePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(values)
        var total: Float = 0
        var index = 0
        while index + 16 <= count {
            var lanes = SIMD16<Float>(repeating: 1)
            let end = Swift.min(count - count % 16, index + 64 * 16)
            while index < end {
                lanes *= raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Float>.stride, as: SIMD16<Float>.self)
                index += 16
            }
            for lane in 0..<16 { total += VectorMath.log(lanes[lane]) }
        }
        var rest: Float = 1
        while index < count {
            rest *= values[index]
            index += 1
        }
        return total + VectorMath.log(rest)
    }

    /// The sum of `count` floats in sixteen interleaved partial sums (vector lanes), then
    /// across the lanes.
    @inline(__always)
    static func laneSum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var index = 0
        let raw = UnsafeRawPointer(values)
        while index + 16 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Float>.stride, as: SIMD16<Float>.self)
            index += 16
        }
        var total = lanes.sum()
        while index < count {
            total += values[index]
            index += 1
        }
        return total
    }
}
