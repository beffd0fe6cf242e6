import LatentNN
import LatentTensor

extension ProcessGroup {
    /// The gradients of the whole batch, from this rank's gradients of its own rows.
    ///
    /// A loss that is a mean over a batch's rows has, over the whole batch, the gradient
    /// `Σ_r (n_r / n) g_r`, where rank `r` took `n_r` of the batch's `n` rows and `g_r` is the
    /// gradient of its own mean. Each rank passes its `g_r` and weight `n_r / n` (0 for a rank
    /// that took no rows, with zero gradients); all of them get the sum, in one all-reduce over
    /// the gradients laid end to end.
    public func combinedGradients(_ gradients: [Tensor], weight: Float) -> [Tensor] {
        guard size > 1 else { return gradients }
        let total = gradients.reduce(0) { $0 + $1.scalarCount }
        var flat = [Float](repeating: 0, count: total)
        flat.withUnsafeMutableBufferPointer { flat in
            var offset = 0
            for gradient in gradients {
                gradient.withUnsafeScalars { values in
                    for index in values.indices { flat[offset + index] = values[index] * weight }
                }
                offset += gradient.scalarCount
            }
            allReduceSum(flat)
        }
        var offset = 0
        return gradients.map { gradient in
            let start = offset
            offset += gradient.scalarCount
            return Tensor(shape: gradient.shape) { output in
                flat.withUnsafeBufferPointer { flat in
                    output.baseAddress!.update(from: flat.baseAddress! + start, count: output.count)
                }
            }
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
