#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Tensor {
    /// `max(x, 0)` for each element.
    public func relu() -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.ReLU()), recording: [x],
                      operation: "relu") { upstream, _ in
            [Tensor.maskedProduct(upstream, x, Scalar.LeakyReLUDerivative(negativeSlope: 0))]
        }
    }

    /// `x` where positive, `negativeSlope · x` elsewhere.
    public func leakyReLU(negativeSlope: Float = 0.01) -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.LeakyReLU(negativeSlope: negativeSlope)),
                      recording: [x], operation: "leakyReLU") { upstream, _ in
            [Tensor.maskedProduct(upstream, x, Scalar.LeakyReLUDerivative(negativeSlope: negativeSlope))]
        }
    }

    /// `x` where positive, `alpha · (exp(x) − 1)` elsewhere (Clevert et al. 2016).
    public func elu(alpha: Float = 1) -> Tensor {
        Tensor.where(self .> 0, self, alpha * self.minimum(Tensor(0)).expm1())
    }

    /// `1 / (1 + exp(−x))` for each element, computed without overflow.
    public func sigmoid() -> Tensor {
        let x = self
        let storage = Elementwise.map(x, Scalar.Sigmoid())
        let stored = Tensor(shape: shape, storage: storage)
        return Tensor(shape: shape, storage: storage, recording: [x], operation: "sigmoid") {
            upstream, _ in
            let y = GradientRecording.isEnabled ? x.sigmoid() : stored
            return [upstream * y * (1 - y)]
        }
    }

    /// The hyperbolic tangent of each element.
    public func tanh() -> Tensor {
        let x = self
        let storage = Elementwise.map(x, Scalar.Tanh())
        let stored = Tensor(shape: shape, storage: storage)
        return Tensor(shape: shape, storage: storage, recording: [x], operation: "tanh") {
            upstream, _ in
            let y = GradientRecording.isEnabled ? x.tanh() : stored
            return [upstream * (1 - y.squared())]
        }
    }

    /// `log(1 + exp(x))` for each element, as `max(x, 0) + log1p(exp(−|x|))` so large |x| is exact.
    public func softplus() -> Tensor {
        let x = self
        return Tensor(shape: shape,
                      storage: Elementwise.map(x, Scalar.Softplus()),
                      recording: [x], operation: "softplus") { upstream, _ in
            [upstream * x.sigmoid()]
        }
    }

    /// `log(sigmoid(x))` for each element, stable for large |x|.
    public func logSigmoid() -> Tensor { -(-self).softplus() }

    /// The softmax along `axis`: `exp(x) / sum(exp(x))`, computed with the max subtracted.
    public func softmax(alongAxis axis: Int = -1) -> Tensor {
        // exp(x − max) is exact where exp(x − logSumExp(x)) would carry logSumExp's rounding
        // (about |x|·ε), and rows of large logits would then sum to 1 only within ~1e-5.
        let axis = Shape.normalize(axis: axis, of: shape, operation: "softmax")
        let exponentials = (self - maximumShift(alongAxis: axis)).exp()
        return exponentials / exponentials.sum(alongAxis: axis, keepingDimensions: true)
    }

    /// The log-softmax along `axis`: `x − logSumExp(x)`, as `(x − max) − log(sum(exp(x − max)))`.
    public func logSoftmax(alongAxis axis: Int = -1) -> Tensor {
        let axis = Shape.normalize(axis: axis, of: shape, operation: "logSoftmax")
        let shifted = self - maximumShift(alongAxis: axis)
        return shifted - shifted.exp().sum(alongAxis: axis, keepingDimensions: true).log()
    }

    /// The maximum along `axis` as a constant with that axis kept (softmax is shift-invariant,
    /// so no gradient is lost); non-finite maxima become 0 so an all-(−inf) slice avoids inf − inf.
    private func maximumShift(alongAxis axis: Int) -> Tensor {
        let maximum = detached().max(alongAxis: axis, keepingDimensions: true)
        return Tensor(shape: maximum.shape, storage: Elementwise.map(maximum, Scalar.FiniteOrZero()))
    }

    /// `upstream · f(x)` for a piecewise-constant `f` of the input (an activation's derivative);
    /// the factor is a constant, so the product stays differentiable in `upstream`, and its own
    /// pullback is the same masked product. One fused loop, in a recorded backward pass too.
    static func maskedProduct<Derivative: UnaryScalarFunction>(
        _ upstream: Tensor, _ x: Tensor, _ derivative: Derivative
    ) -> Tensor {
        guard upstream.shape == x.shape else {
            let factor = Tensor(shape: x.shape, storage: Elementwise.map(x.value, derivative))
            return upstream * factor
        }
        let storage = Elementwise.zipSameShape(upstream, x, Scalar.ScaledBy(derivative: derivative))
        guard GradientRecording.isEnabled && upstream.requiresGradient else {
            return Tensor(shape: x.shape, storage: storage)
        }
        let input = x.value
        return Tensor(shape: x.shape, storage: storage, recording: [upstream], operation: "maskedProduct") {
            gradient, _ in [maskedProduct(gradient, input, derivative)]
        }
    }

    /// The binary cross-entropy of `labels` under Bernoulli distributions with these logits, per
    /// element: `softplus(x) − y · x`, which is `−(y log σ(x) + (1 − y) log(1 − σ(x)))` without
    /// overflow for any |x|; one pass instead of four.
    ///
    /// The gradient is `σ(x) − y` for the logits and `−x` for the labels (soft labels allowed).
    ///
    /// - Precondition: `labels` has the logits' shape.
    public func sigmoidCrossEntropy(labels: Tensor) -> Tensor {
        precondition(
            shape == labels.shape,
            "sigmoidCrossEntropy(labels:): logits \(shape) and labels \(labels.shape) differ")
        let x = self
        let storage = Elementwise.zipSameShape(x, labels, Scalar.SigmoidCrossEntropy())
        return Tensor(shape: shape, storage: storage, recording: [x, labels],
                      operation: "sigmoidCrossEntropy") { upstream, needed in
            var logitGradient: Tensor? = nil
            if needed[0] {
                if GradientRecording.isEnabled {
                    logitGradient = upstream * (x.sigmoid() - labels)
                } else {
                    // upstream · (σ(x) − y) in one pass.
                    let result = TensorStorage(uninitializedCount: x.scalarCount)
                    let gradient = upstream.storage.base, logits = x.storage.base
                    let targets = labels.storage.base, output = result.base
                    Parallel.forRanges(x.scalarCount) { range in
                        for index in range {
                            output[index] = gradient[index] * (VectorMath.sigmoid(logits[index]) - targets[index])
                        }
                    }
                    logitGradient = Tensor(shape: x.shape, storage: result)
                }
            }
            return [logitGradient, needed[1] ? -upstream * x : nil]
        }
    }
}
