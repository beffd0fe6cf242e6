import LatentNN
import LatentTensor

extension ProcessGroup {
    /// The gradients of the whole batch, from this rank's gradients of its own rows.
    ///
    /// A loss that is a mean over a batch's rows has, over the whole batch, the gradient
    /// `Σ_r (n_r / n) g_r`, where rank `r` took `n_r` of the batch's `n` rows and `g_r` is the
    /// gradient of its own mean. Each rank passes its `g_r` and weight `n_r / n` (0 for a rank
    /// that took no rows, with zero gradients); all of them get the sum, one all-reduce per
    /// gradient, in place in the storage of the tensor returned (the engine's pooled storage:
    /// a step allocates no fresh memory for it).
    public func combinedGradients(_ gradients: [Tensor], weight: Float) -> [Tensor] {
        guard size > 1 else { return gradients }
        return gradients.map { gradient in
            var combined = Tensor(shape: gradient.shape) { output in
                gradient.withUnsafeScalars { values in
                    for index in values.indices { output[index] = values[index] * weight }
                }
            }
            combined.withUnsafeMutableScalars { allReduceSum($0) }
            return combined
        }
    }

    /// Gives every rank rank 0's parameters and buffers (BatchNorm's statistics), so that the
    /// ranks start from one model whatever each built or read.
    public func synchronize(_ module: any Module) {
        guard size > 1 else { return }
        let parameters = module.parameters
        let buffers = module.namedBuffers.map(\.buffer)
        let tensors = parameters.map(\.value) + buffers.map(\.value)
        var flat = [Float](repeating: 0, count: tensors.reduce(0) { $0 + $1.scalarCount })
        var offset = 0
        for tensor in tensors {
            tensor.withUnsafeScalars { values in
                for index in values.indices { flat[offset + index] = values[index] }
            }
            offset += tensor.scalarCount
        }
        flat.withUnsafeMutableBufferPointer { broadcast($0, from: 0) }
        offset = 0
        for parameter in parameters {
            let start = offset
            parameter.updateInPlace { values in
                for index in values.indices { values[index] = flat[start + index] }
            }
            offset += parameter.value.scalarCount
        }
        for buffer in buffers {
            let start = offset, shape = buffer.value.shape
            buffer.value = Tensor(shape: shape, scalars: Array(flat[start..<(start + shape.elementCount)]))
            offset += shape.elementCount
        }
    }
}

extension ProcessGroup {
    /// Makes every ``BatchNorm`` in `module` normalise with the statistics of the whole batch
    /// in training mode, adding up its per-feature sums over the ranks (PyTorch's
    /// `SyncBatchNorm.convert_sync_batchnorm`); the running statistics are then the same on
    /// every rank. A group of one process leaves the layers as they are.
    ///
    /// Every rank must then run the same forward and backward passes in the same order (a rank
    /// whose share of a batch is empty too), each rank's loss must be a mean over its own rows,
    /// and the ranks' gradients must be added up by ``combinedGradients(_:weight:)`` with the
    /// ranks' shares of the rows as weights; gradients of gradients through these layers are
    /// not available.
    public func synchronizeBatchNorm(in module: any Module) {
        guard size > 1 else { return }
        let reduction = BatchStatisticsReduction { [self] values in allReduceSum(values) }
        for norm in module.batchNormLayers { norm.statisticsReduction = reduction }
    }
}
