import LatentTensor

/// Batch normalisation (Ioffe and Szegedy 2015) over axis 1: PyTorch's `nn.BatchNorm1d` for
/// `[batch, features]` and `nn.BatchNorm2d` for `[batch, channels, height, width]`.
///
/// In training mode each feature is normalised with the mean and biased variance of the batch
/// (over every axis but 1), then scaled by `weight` and shifted by `bias`; the running
/// statistics move towards the batch's as `running = (1 − momentum) · running + momentum ·
/// batch`, with the *unbiased* variance (`n / (n − 1)` times the biased one) for `running_var`.
/// In evaluation mode the running statistics normalise instead. Output shaped like the input.
///
/// Parameters `weight` `[featureCount]` (ones) and `bias` `[featureCount]` (zeros); buffers
/// `running_mean` (zeros) and `running_var` (ones), named as in PyTorch's state dict.
public final class BatchNorm: Layer {
    /// The per-feature scale, `[featureCount]`.
    public let weight: Parameter
    /// The per-feature shift, `[featureCount]`.
    public let bias: Parameter
    /// The running mean, `[featureCount]`, checkpointed as `running_mean`.
    public let runningMean: Buffer
    /// The running unbiased variance, `[featureCount]`, checkpointed as `running_var`.
    public let runningVariance: Buffer
    /// The weight of the newest batch in the running statistics.
    public let momentum: Float
    /// Added to the variance before its square root.
    public let epsilon: Float
    /// Whether batch statistics are used (and the running ones updated).
    public private(set) var isTraining = true
    /// While re-estimating: the batches averaged so far (see ``beginStatisticsEstimate()``).
    private var estimatedBatches: Int?
    /// In data-parallel training, adds up the batch statistics over the ranks, so that every
    /// rank normalises with the whole batch's (PyTorch's `SyncBatchNorm`); `nil`, the default:
    /// this process's rows alone. `LatentDistributed`'s `ProcessGroup.synchronizeBatchNorm(in:)`
    /// sets it. While statistics are re-estimated (``beginStatisticsEstimate()``) each process
    /// uses its own rows.
    public var statisticsReduction: BatchStatisticsReduction?

    /// Creates a batch normalisation of `featureCount` features (channels).
    ///
    /// - Parameters:
    ///   - featureCount: the size of the input's axis 1.
    ///   - momentum: the weight of each new batch in the running statistics (PyTorch's 0.1).
    ///   - epsilon: added to the variance for stability (PyTorch's 1e-5).
    public init(featureCount: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = Parameter(Tensor(ones: [featureCount]))
        bias = Parameter(Tensor(zeros: [featureCount]))
        runningMean = Buffer(Tensor(zeros: [featureCount]))
        runningVariance = Buffer(Tensor(ones: [featureCount]))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// The number of features (channels) normalised.
    public var featureCount: Int { weight.shape[0] }

    /// Normalises `[batch, featureCount, …]` per feature; output shaped like the input.
    ///
    /// - Precondition: axis 1 has `featureCount` entries; in training mode each feature has
    ///   more than one value in the batch (in the ranks' batches together, with a
    ///   ``statisticsReduction``).
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank >= 2 && input.shape[1] == featureCount,
            "BatchNorm: input \(input.shape) is not [batch, \(featureCount), …]")
        if isTraining {
            let reduction = estimatedBatches == nil ? statisticsReduction : nil
            precondition(
                reduction != nil || input.scalarCount / featureCount > 1,
                "BatchNorm: training needs more than one value per feature, got input "
                    + "\(input.shape)"
            )
            // One fused op: statistics, normalisation and the affine map in two passes.
            let normalized = input.batchNormalized(
                scale: weight.value, offset: bias.value, epsilon: epsilon, across: reduction)
            let count = normalized.count
            withoutGradients {
                let unbiased = normalized.variance * (Float(count) / Float(count - 1))
                // While re-estimating, the plain mean over the batches so far (weight 1/n).
                var weight = momentum
                if let batches = estimatedBatches {
                    estimatedBatches = batches + 1
                    weight = 1 / Float(batches + 1)
                }
                runningMean.value = (1 - weight) * runningMean.value + weight * normalized.mean
                runningVariance.value = (1 - weight) * runningVariance.value + weight * unbiased
            }
            return normalized.output
        }
        // Per-feature vectors broadcast against the input as [1, C, 1, …].
        let featureShape = [1, featureCount] + Array(repeating: 1, count: input.rank - 2)
        let mean = runningMean.value.reshaped(to: featureShape)
        let variance = runningVariance.value.reshaped(to: featureShape)
        let normalized = (input - mean) * (variance + epsilon).rsqrt()
        return normalized * weight.value.reshaped(to: featureShape)
            + bias.value.reshaped(to: featureShape)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias)]
    }

    public var ownBuffers: [(name: String, buffer: Buffer)] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }

    public func trainingModeDidChange(_ isTraining: Bool) { self.isTraining = isTraining }

    /// Starts re-estimating the running statistics: the next batches seen in training mode set
    /// them to the plain average of their statistics (PyTorch's `momentum=None`) instead of the
    /// momentum update, until ``endStatisticsEstimate()``. For weights that did not produce the
    /// current running statistics, such as a moving average of a generator's weights (the
    /// "standing statistics" of Brock et al. 2019).
    public func beginStatisticsEstimate() { estimatedBatches = 0 }

    /// Returns to the momentum update of the running statistics.
    public func endStatisticsEstimate() { estimatedBatches = nil }
}

extension Module {
    /// Re-estimates the running statistics of every ``BatchNorm`` in the tree for the current
    /// weights: runs `forward(batch)` for `batches` batches in training mode (no gradients
    /// recorded), averaging each layer's batch statistics, then restores the tree's mode.
    ///
    /// - Parameters:
    ///   - batches: how many batches to average (a few thousand examples in all is plenty).
    ///   - forward: evaluates the module on the given batch's input.
    public func reestimateBatchNormStatistics(batches: Int, _ forward: (Int) -> Void) {
        let norms = batchNormLayers
        guard !norms.isEmpty, batches > 0 else { return }
        let wasTraining = norms[0].isTraining
        setTraining(true)
        for norm in norms { norm.beginStatisticsEstimate() }
        withoutGradients {
            for batch in 0..<batches { forward(batch) }
        }
        for norm in norms { norm.endStatisticsEstimate() }
        setTraining(wasTraining)
    }

    /// The ``BatchNorm`` layers of the tree, in tree order.
    public var batchNormLayers: [BatchNorm] {
        ((self as? BatchNorm).map { [$0] } ?? []) + children.flatMap { $0.module.batchNormLayers }
    }
}
