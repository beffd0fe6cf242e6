// Batch normalisation over a batch split between the ranks of a data-parallel job (PyTorch's
// SyncBatchNorm): each rank holds some rows, and the per-feature sums behind the statistics and
// behind the input gradient are added up over the ranks, so every rank normalises with the
// whole batch's mean and variance and receives the whole batch's gradient for its rows.

/// Adds up per-feature sums over the ranks of a data-parallel job, for batch normalisation with
/// the statistics of the whole batch (``Tensor/batchNormalized(scale:offset:epsilon:across:)``).
///
/// `sum` replaces the values on every rank with their sums over the ranks, element by element;
/// every rank passes the same number of values, in the same order of calls.
/// `LatentDistributed`'s `ProcessGroup.synchronizeBatchNorm(in:)` makes one from a group.
public struct BatchStatisticsReduction: Sendable {
    /// Replaces the values with their sums over the ranks.
    public let sum: @Sendable (UnsafeMutableBufferPointer<Double>) -> Void

    /// A reduction that calls `sum` on the per-feature sums.
    public init(sum: @escaping @Sendable (UnsafeMutableBufferPointer<Double>) -> Void) {
        self.sum = sum
    }
}

extension Tensor {
    /// The forward pass of batch normalisation over the rows of every rank: two reductions, one
    /// for the sums (and the count of values per feature) and one for the centred squares.
    func synchronizedBatchNormalized(
        scale: Tensor, offset: Tensor, epsilon: Float, across reduction: BatchStatisticsReduction
    ) -> (output: Tensor, mean: Tensor, variance: Tensor, count: Int) {
        let layout = ChannelLayout(shape)
        let features = layout.features, source = storage.base, grain = layout.grain
        // Per-feature sums of this rank's values, then the count of values per feature.
        var sums = [Double](repeating: 0, count: features + 1)
        sums.withUnsafeMutableBufferPointer { sums in
            let target = sums.baseAddress!
            Parallel.forRanges(features, grain: grain) { channels in
                for channel in channels {
                    target[channel] = layout.sum(source, channel)
                }
            }
            sums[features] = Double(layout.batch * layout.spatial)
            reduction.sum(sums)
        }
        let total = sums[features]
        precondition(
            total > 1, "batchNormalized: the ranks' inputs have \(Int(total)) value(s) per feature together")
        let means = TensorStorage(uninitializedCount: features)
        for channel in 0..<features { means.base[channel] = Float(sums[channel] / total) }
        // Centred squares about the whole batch's mean (two passes keep the variance accurate).
        var squares = [Double](repeating: 0, count: features)
        squares.withUnsafeMutableBufferPointer { squares in
            let target = squares.baseAddress!
            Parallel.forRanges(features, grain: grain) { channels in
                for channel in channels {
                    let mean = means.base[channel]
                    target[channel] = layout.centredSquares(source, channel, mean: mean)
                }
            }
            reduction.sum(squares)
        }
        let variances = TensorStorage(uninitializedCount: features)
        for channel in 0..<features { variances.base[channel] = Float(squares[channel] / total) }
        let output = TensorStorage(uninitializedCount: scalarCount)
        let target = output.base, gamma = scale.storage.base, beta = offset.storage.base
        Parallel.forRanges(features, grain: grain) { channels in
            for channel in channels {
                let factor = gamma[channel] / (variances.base[channel] + epsilon).squareRoot()
                layout.affine(source, target, channel, factor: factor, shift: beta[channel] - means.base[channel] * factor)
            }
        }
        let x = self
        let result = Tensor(
            shape: shape, storage: output, recording: [x, scale, offset], operation: "batchNorm"
        ) { upstream, needed in
            precondition(
                !GradientRecording.isEnabled,
                "batchNormalized: batch statistics summed over ranks have no higher-order gradients "
                    + "(a gradient penalty through synchronised BatchNorm)")
            return Tensor.synchronizedBatchNormPullback(
                upstream, x: x.value, scale: scale.value, mean: means, variance: variances,
                total: total, epsilon: epsilon, needed: needed, across: reduction)
        }
        return (result, Tensor(shape: [features], storage: means),
                Tensor(shape: [features], storage: variances), Int(total))
    }

    /// The pullback over the ranks. Each rank's loss is taken to be a mean over its own `n` of
    /// the batch's `N` rows, and its gradients to be weighed by `n / N` when the ranks add them
    /// up (as `ProcessGroup.combinedGradients` does): so the whole batch's upstream gradient is
    /// `n / N` times each rank's, the ranks add up `n · Σ g` and `n · Σ g·x̂`, and each rank
    /// divides its input gradient by its own weight again. With one rank this is the plain
    /// pullback. `scale` and `offset` get this rank's own sums, which the ranks add up later.
    private static func synchronizedBatchNormPullback(
        _ upstream: Tensor, x: Tensor, scale: Tensor, mean means: TensorStorage,
        variance variances: TensorStorage, total: Double, epsilon: Float, needed: [Bool],
        across reduction: BatchStatisticsReduction
    ) -> [Tensor?] {
        let layout = ChannelLayout(x.shape)
        let features = layout.features, count = Double(layout.batch * layout.spatial)
        let g = upstream.storage.base, source = x.storage.base, gamma = scale.storage.base
        // This rank's Σ g and Σ g·(x − mean) per feature.
        var sums = [Double](repeating: 0, count: 2 * features)
        sums.withUnsafeMutableBufferPointer { sums in
            let target = sums.baseAddress!
            Parallel.forRanges(features, grain: layout.grain) { channels in
                for channel in channels {
                    (target[channel], target[features + channel]) =
                        layout.gradientSums(g, source, channel, mean: means.base[channel])
                }
            }
        }
        let scaleGradient = TensorStorage(uninitializedCount: features)
        let offsetGradient = TensorStorage(uninitializedCount: features)
        for channel in 0..<features {
            let inverse = 1 / (variances.base[channel] + epsilon).squareRoot()
            scaleGradient.base[channel] = Float(sums[features + channel]) * inverse
            offsetGradient.base[channel] = Float(sums[channel])
        }
        var inputGradient: TensorStorage?
        if needed[0] {
            // Every rank takes part in the reduction, one without rows too (count 0).
            var reduced = sums.map { $0 * count }
            reduced.withUnsafeMutableBufferPointer { reduction.sum($0) }
            let weighted = reduced
            let gradient = TensorStorage(uninitializedCount: x.scalarCount)
            inputGradient = gradient
            if count > 0 {
                let out = gradient.base
                Parallel.forRanges(features, grain: layout.grain) { channels in
                    for channel in channels {
                        let inverse = 1 / (variances.base[channel] + epsilon).squareRoot()
                        layout.inputGradient(
                            out, g, source, channel, mean: means.base[channel], inverse: inverse,
                            factor: gamma[channel] * inverse, meanG: Float(weighted[channel] / (count * total)),
                            meanGXhat: Float(weighted[features + channel] / (count * total)) * inverse)
                    }
                }
            }
        }
        return [
            inputGradient.map { Tensor(shape: x.shape, storage: $0) },
            needed[1] ? Tensor(shape: [features], storage: scaleGradient) : nil,
            needed[2] ? Tensor(shape: [features], storage: offsetGradient) : nil,
        ]
    }
}
