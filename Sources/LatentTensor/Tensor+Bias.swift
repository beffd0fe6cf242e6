extension Tensor {
    /// The nonlinearity ``addingBias(_:activation:)`` applies after the bias, in the same pass.
    public enum BiasActivation: Sendable, Equatable {
        /// No nonlinearity: `x + bias`.
        case identity
        /// `x` where positive, `negativeSlope · x` elsewhere; a slope of 0 is ReLU.
        /// The slope must not be negative: the pullback reads the sign from the output.
        case leakyReLU(negativeSlope: Float)

        /// `max(x, 0)`.
        public static let relu = BiasActivation.leakyReLU(negativeSlope: 0)
    }

    /// `activation(self + bias)` with `bias` added along the last axis, in one pass.
    ///
    /// The same values as `(self + bias).relu()` (or `.leakyReLU(negativeSlope:)`, or the plain
    /// sum), bit for bit, without the intermediate sum: a linear layer followed by its activation
    /// reads and writes its output once instead of twice, and the tape keeps only the output
    /// (the activation's derivative is read from the output's sign). ``Sequential`` and the
    /// models' MLPs use it for every linear layer a ReLU or leaky ReLU follows.
    ///
    /// - Precondition: `bias` has rank 1 and as many elements as this tensor's last axis; a
    ///   leaky ReLU's slope is not negative.
    public func addingBias(_ bias: Tensor, activation: BiasActivation = .identity) -> Tensor {
        precondition(
            rank >= 1 && bias.rank == 1 && bias.shape[0] == shape[rank - 1],
            "addingBias: bias \(bias.shape) does not match the last axis of \(shape)")
        let x = self
        let features = bias.scalarCount
        let rows = features == 0 ? 0 : scalarCount / features
        switch activation {
        case .identity:
            let result = Self.biased(x, bias, rows: rows, Scalar.Identity())
            return Tensor(shape: shape, storage: result, recording: [x, bias], operation: "addBias") {
                upstream, needed in
                [needed[0] ? upstream : nil, needed[1] ? upstream.summed(toShape: bias.shape) : nil]
            }
        case .leakyReLU(let slope):
            precondition(slope >= 0, "addingBias: leaky ReLU slope \(slope) is negative")
            // The unfused ops' own element functions, so the values match them bit for bit.
            let result =
                slope == 0
                ? Self.biased(x, bias, rows: rows, Scalar.ReLU())
                : Self.biased(x, bias, rows: rows, Scalar.LeakyReLU(negativeSlope: slope))
            // With a slope ≥ 0 the output is positive exactly where the sum is, so the
            // derivative (1 there, `slope` elsewhere) comes from the output; the sum is not kept.
            let output = Tensor(shape: shape, storage: result)
            return Tensor(
                shape: shape, storage: result, recording: [x, bias], operation: "addBiasLeakyReLU"
            ) { upstream, needed in
                // One column, or one row of rank 1, sums as `summed(toShape:)` does not (four
                // accumulators; the gradient itself): the separate ops keep their bits there.
                if !GradientRecording.isEnabled && needed[1] && upstream.shape == output.shape
                    && features > 1 && output.rank > 1
                {
                    let (gradient, biasGradient) = Self.leakyReLUPullback(
                        upstream, output, slope: slope, rows: rows, features: features)
                    return [needed[0] ? gradient : nil, biasGradient]
                }
                let gradient = Tensor.maskedProduct(
                    upstream, output, Scalar.LeakyReLUDerivative(negativeSlope: slope))
                return [needed[0] ? gradient : nil,
                        needed[1] ? gradient.summed(toShape: bias.shape) : nil]
            }
        }
    }

    /// `function(x + bias)` row by row, the rows shared out over the worker pool.
    private static func biased<Function: UnaryScalarFunction>(
        _ x: Tensor, _ bias: Tensor, rows: Int, _ function: Function
    ) -> TensorStorage {
        let features = bias.scalarCount
        let result = TensorStorage(uninitializedCount: x.scalarCount)
        let source = x.storage.base, offsets = bias.storage.base, target = result.base
        Parallel.forRanges(rows, grain: Swift.max(1, Parallel.grain / Swift.max(features, 1))) { range in
            for row in range {
                let input = source + row &* features, output = target + row &* features
                for j in 0..<features { output[j] = function(input[j] + offsets[j]) }
            }
        }
        return result
    }

    /// The masked gradient and its column sums (the bias's gradient) in one pass, outside a
    /// recorded backward pass. Columns are shared out and each is summed over the rows in order,
    /// as `summed(toShape:)` does, so the sums are the unfused ones bit for bit.
    private static func leakyReLUPullback(
        _ upstream: Tensor, _ output: Tensor, slope: Float, rows: Int, features: Int
    ) -> (Tensor, Tensor) {
        let gradient = TensorStorage(uninitializedCount: rows * features)
        let sums = TensorStorage(count: features, repeating: 0)
        let source = upstream.storage.base, signs = output.storage.base
        let target = gradient.base, total = sums.base
        let masked = Scalar.ScaledBy(derivative: Scalar.LeakyReLUDerivative(negativeSlope: slope))
        Parallel.forRanges(features, grain: Swift.max(1, Parallel.grain / Swift.max(rows, 1))) { columns in
            let start = columns.lowerBound, width = columns.count
            for row in 0..<rows {
                let offset = row &* features &+ start
                let input = source + offset, sign = signs + offset, out = target + offset
                let sum = total + start
                for j in 0..<width {
                    let value = masked(input[j], sign[j])
                    out[j] = value
                    sum[j] += value
                }
            }
        }
        return (Tensor(shape: upstream.shape, storage: gradient), Tensor(shape: [features], storage: sums))
    }
}
