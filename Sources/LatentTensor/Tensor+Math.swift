#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Each pullback that needs the op's own output recomputes it from the input when the backward
// pass is being recorded (so the second derivative sees the dependence), and otherwise reuses
// the stored result: capturing the result itself would make a reference cycle.

extension Tensor {
    /// A tensor sharing this one's storage and shape, outside the graph (for pullbacks).
    @inline(__always) var value: Tensor { Tensor(shape: shape, storage: storage) }

    /// `e` raised to each element.
    public func exp() -> Tensor {
        let x = self
        let result = Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Exp()))
        let stored = result.value
        return Tensor(shape: shape, storage: result.storage, recording: [x], operation: "exp") {
            upstream, _ in [upstream * (GradientRecording.isEnabled ? x.exp() : stored)]
        }
    }

    /// The natural logarithm of each element.
    public func log() -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Log()), recording: [x],
                      operation: "log") { upstream, _ in [upstream / x] }
    }

    /// `log(1 + x)` for each element, accurate for small `x`.
    public func log1p() -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Log1p()), recording: [x],
                      operation: "log1p") { upstream, _ in [upstream / (x + 1)] }
    }

    /// `exp(x) - 1` for each element, accurate for small `x`.
    public func expm1() -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Expm1()), recording: [x],
                      operation: "expm1") { upstream, _ in [upstream * x.exp()] }
    }

    /// The square root of each element.
    public func sqrt() -> Tensor {
        let x = self
        let storage = Elementwise.map(x, Scalar.SquareRoot())
        let stored = Tensor(shape: shape, storage: storage)
        return Tensor(shape: shape, storage: storage, recording: [x], operation: "sqrt") {
            upstream, _ in
            [upstream * 0.5 / (GradientRecording.isEnabled ? x.sqrt() : stored)]
        }
    }

    /// `1 / sqrt(x)` for each element.
    public func rsqrt() -> Tensor {
        let x = self
        let storage = Elementwise.map(x, Scalar.ReciprocalSquareRoot())
        let stored = Tensor(shape: shape, storage: storage)
        return Tensor(shape: shape, storage: storage, recording: [x], operation: "rsqrt") {
            upstream, _ in
            let y = GradientRecording.isEnabled ? x.rsqrt() : stored
            return [upstream * -0.5 * y * y * y]
        }
    }

    /// The absolute value of each element (gradient `sign(x)`, 0 at 0).
    public func abs() -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Absolute()), recording: [x],
                      operation: "abs") { upstream, _ in [upstream * x.sign()] }
    }

    /// -1, 0 or 1 by the sign of each element; piecewise constant, so no gradient flows.
    public func sign() -> Tensor {
        Tensor(shape: shape, storage: Elementwise.map(self, Scalar.Sign()))
    }

    /// Each element squared.
    public func squared() -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Square()), recording: [x],
                      operation: "square") { upstream, _ in [upstream * 2 * x] }
    }

    /// `1 / x` for each element.
    public func reciprocal() -> Tensor {
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Reciprocal()), recording: [x],
                      operation: "reciprocal") { upstream, _ in [-upstream / x.squared()] }
    }

    /// Each element limited to `[lowerBound, upperBound]`; the gradient is zero outside.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        clamped(min: range.lowerBound, max: range.upperBound)
    }

    /// Each element limited to `[min, max]` (either bound may be omitted).
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
        precondition(lower <= upper, "clamped(min:max:): min \(lower) exceeds max \(upper)")
        let x = self
        return Tensor(shape: shape, storage: Elementwise.map(x, Scalar.Clamp(lower: lower, upper: upper)),
                      recording: [x], operation: "clamp") { upstream, _ in
            let inside = Elementwise.map(x.value, Scalar.Inside(lower: lower, upper: upper))
            return [upstream * Tensor(shape: x.shape, storage: inside)]
        }
    }
}
