// Batch normalisation as one op: the composite (mean, variance, centring, scaling, affine)
// walks the activations about seven times forward and fifteen backward; this one reads them
// twice forward and, outside a recorded backward pass, twice backward.

extension Tensor {
    /// Normalises each feature (axis 1) with the mean and biased variance over every other axis,
    /// then scales and shifts it: `(x − mean) / √(variance + epsilon) · scale + offset`.
    ///
    /// Input `[batch, features, …]` (`[N, C]` or `[N, C, H, W]`), `scale` and `offset`
    /// `[features]`; the output is shaped like the input. The returned `mean` and `variance`
    /// (`[features]`, biased) carry no gradient; they are for running statistics, with `count`,
    /// the number of values per feature they were taken over.
    ///
    /// With a `reduction`, the input is one rank's rows of a batch split between the ranks of a
    /// data-parallel job, and every rank normalises with the mean and variance of the whole
    /// batch (PyTorch's `SyncBatchNorm`): each forward pass adds up per-feature sums over the
    /// ranks twice and each backward pass that needs the input's gradient once, so every rank
    /// must make the same calls in the same order, a rank without rows too. The input gradient
    /// is then the whole batch's for this rank's rows, on the understanding that each rank's
    /// loss is a mean over its own rows and that the ranks add up their gradients weighed by
    /// their shares of the rows (see `ProcessGroup.combinedGradients`); higher-order gradients
    /// are not available.
    ///
    /// - Precondition: the input has rank ≥ 2 and more than one value per feature (over every
    ///   rank, with a `reduction`); `scale` and `offset` are `[features]`.
    public func batchNormalized(
        scale: Tensor, offset: Tensor, epsilon: Float, across reduction: BatchStatisticsReduction? = nil
    ) -> (output: Tensor, mean: Tensor, variance: Tensor, count: Int) {
        precondition(
            rank >= 2 && scale.shape == [shape[1]] && offset.shape == [shape[1]],
            "batchNormalized: input \(shape) is not [batch, features, …] for scale \(scale.shape) "
                + "and offset \(offset.shape)")
        if let reduction {
            return synchronizedBatchNormalized(scale: scale, offset: offset, epsilon: epsilon, across: reduction)
        }
        let layout = ChannelLayout(shape)
        let features = layout.features, count = layout.batch * layout.spatial
        precondition(count > 1, "batchNormalized: input \(shape) has one value per feature")
        let means = TensorStorage(uninitializedCount: features)
        let variances = TensorStorage(uninitializedCount: features)
        let output = TensorStorage(uninitializedCount: scalarCount)
        let source = storage.base, target = output.base
        let gamma = scale.storage.base, beta = offset.storage.base
        Parallel.forRanges(features, grain: layout.grain) { channels in
            for channel in channels {
                // Two passes (mean, then centred squares) keep the variance accurate.
                let mean = Float(layout.sum(source, channel) / Double(count))
                let variance = Float(layout.centredSquares(source, channel, mean: mean) / Double(count))
                means.base[channel] = mean
                variances.base[channel] = variance
                let factor = gamma[channel] / (variance + epsilon).squareRoot()
                layout.affine(source, target, channel, factor: factor, shift: beta[channel] - mean * factor)
            }
        }
        let x = self
        let result = Tensor(
            shape: shape, storage: output, recording: [x, scale, offset], operation: "batchNorm"
        ) { upstream, needed in
            if GradientRecording.isEnabled {
                return Tensor.batchNormPullback(
                    upstream, x: x, scale: scale, epsilon: epsilon, needed: needed)
            }
            return Tensor.batchNormPullback(
                upstream, x: x.value, scale: scale.value, mean: means, variance: variances,
                epsilon: epsilon, needed: needed)
        }
        return (result, Tensor(shape: [features], storage: means),
                Tensor(shape: [features], storage: variances), count)
    }

    /// The pullback in Tensor ops, recorded for higher-order gradients: with `x̂` the normalised
    /// input and `d = upstream · scale`, `dx = (d − mean(d) − x̂ · mean(d · x̂)) / √(var + ε)`.
    private static func batchNormPullback(
        _ upstream: Tensor, x: Tensor, scale: Tensor, epsilon: Float, needed: [Bool]
    ) -> [Tensor?] {
        let axes = [0] + Array(2..<x.rank)
        let featureShape = [1, x.shape[1]] + Array(repeating: 1, count: x.rank - 2)
        let centred = x - x.mean(alongAxes: axes, keepingDimensions: true)
        let inverse = (centred.squared().mean(alongAxes: axes, keepingDimensions: true) + epsilon).rsqrt()
        let normalized = centred * inverse
        var gradients: [Tensor?] = [nil, nil, nil]
        if needed[0] {
            let d = upstream * scale.reshaped(to: featureShape)
            gradients[0] = inverse * (d - d.mean(alongAxes: axes, keepingDimensions: true)
                - normalized * (d * normalized).mean(alongAxes: axes, keepingDimensions: true))
        }
        if needed[1] { gradients[1] = (upstream * normalized).sum(alongAxes: axes) }
        if needed[2] { gradients[2] = upstream.sum(alongAxes: axes) }
        return gradients
    }

    /// The same pullback as plain values, two passes over the activations.
    private static func batchNormPullback(
        _ upstream: Tensor, x: Tensor, scale: Tensor, mean means: TensorStorage,
        variance variances: TensorStorage, epsilon: Float, needed: [Bool]
    ) -> [Tensor?] {
        let layout = ChannelLayout(x.shape)
        let features = layout.features, count = Float(layout.batch * layout.spatial)
        let inputGradient = needed[0] ? TensorStorage(uninitializedCount: x.scalarCount) : nil
        let scaleGradient = TensorStorage(uninitializedCount: features)
        let offsetGradient = TensorStorage(uninitializedCount: features)
        let g = upstream.storage.base, source = x.storage.base, gamma = scale.storage.base
        Parallel.forRanges(features, grain: layout.grain) { channels in
            for channel in channels {
                let mean = means.base[channel]
                let inverse = 1 / (variances.base[channel] + epsilon).squareRoot()
                let (sumG, sumGX) = layout.gradientSums(g, source, channel, mean: mean)
                // Σ g·x̂ = inverse · Σ g·(x − mean).
                let sumGXhat = Float(sumGX) * inverse
                scaleGradient.base[channel] = sumGXhat
                offsetGradient.base[channel] = Float(sumG)
                guard let inputGradient else { continue }
                layout.inputGradient(
                    inputGradient.base, g, source, channel, mean: mean, inverse: inverse,
                    factor: gamma[channel] * inverse, meanG: Float(sumG) / count, meanGXhat: sumGXhat / count)
            }
        }
        return [
            inputGradient.map { Tensor(shape: x.shape, storage: $0) },
            needed[1] ? Tensor(shape: [features], storage: scaleGradient) : nil,
            needed[2] ? Tensor(shape: [features], storage: offsetGradient) : nil,
        ]
    }
}

/// The layout `[batch, features, spatial…]` of batch normalisation's input, and its per-feature
/// loops: each feature's values lie in `batch` runs of `spatial` contiguous scalars.
struct ChannelLayout {
    let batch: Int, features: Int, spatial: Int

    init(_ shape: [Int]) {
        batch = shape[0]
        features = shape[1]
        spatial = shape.dropFirst(2).reduce(1, *)
    }

    /// Features per task of ``Parallel/forRanges(_:grain:_:)``.
    var grain: Int { Swift.max(1, Parallel.grain / Swift.max(batch * spatial, 1)) }

    /// The sum of `channel`'s values: Float within a run, Double across.
    @inline(__always)
    func sum(_ source: UnsafeMutablePointer<Float>, _ channel: Int) -> Double {
        var sum: Double = 0
        for image in 0..<batch {
            let row = source + (image * features + channel) * spatial
            var partial: Float = 0
            for index in 0..<spatial { partial += row[index] }
            sum += Double(partial)
        }
        return sum
    }

    /// The sum of `(value − mean)²` over `channel`'s values: Float within a run, Double across.
    @inline(__always)
    func centredSquares(_ source: UnsafeMutablePointer<Float>, _ channel: Int, mean: Float) -> Double {
        var sum: Double = 0
        for image in 0..<batch {
            let row = source + (image * features + channel) * spatial
            var partial: Float = 0
            for index in 0..<spatial {
                let centred = row[index] - mean
                partial += centred * centred
            }
            sum += Double(partial)
        }
        return sum
    }

    /// `channel`'s values mapped to `value · factor + shift` into `target`.
    @inline(__always)
    func affine(
        _ source: UnsafeMutablePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ channel: Int,
        factor: Float, shift: Float
    ) {
        for image in 0..<batch {
            let start = (image * features + channel) * spatial
            let row = source + start, out = target + start
            for index in 0..<spatial { out[index] = row[index] * factor + shift }
        }
    }

    /// `Σ g` and `Σ g·(x − mean)` over `channel`'s values, for upstream gradient `g`.
    @inline(__always)
    func gradientSums(
        _ g: UnsafeMutablePointer<Float>, _ source: UnsafeMutablePointer<Float>, _ channel: Int, mean: Float
    ) -> (Double, Double) {
        var sumG: Double = 0, sumGX: Double = 0
        for image in 0..<batch {
            let start = (image * features + channel) * spatial
            let row = source + start, gradient = g + start
            var partialG: Float = 0, partialGX: Float = 0
            for index in 0..<spatial {
                partialG += gradient[index]
                partialGX += gradient[index] * (row[index] - mean)
            }
            sumG += Double(partialG)
            sumGX += Double(partialGX)
        }
        return (sumG, sumGX)
    }

    /// The input gradient of `channel` into `out`: `factor · (g − meanG − x̂ · meanGXhat)`.
    @inline(__always)
    func inputGradient(
        _ out: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        _ source: UnsafeMutablePointer<Float>, _ channel: Int, mean: Float, inverse: Float, factor: Float,
        meanG: Float, meanGXhat: Float
    ) {
        for image in 0..<batch {
            let start = (image * features + channel) * spatial
            let row = source + start, gradient = g + start, target = out + start
            for index in 0..<spatial {
                let normalized = (row[index] - mean) * inverse
                target[index] = factor * (gradient[index] - meanG - normalized * meanGXhat)
            }
        }
    }
}
