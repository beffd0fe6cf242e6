#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A function of one scalar that the element-wise loops apply (``Elementwise/map(_:_:)``).
///
/// Each function is a type of its own so that the generic loops are specialised for it,
/// including the loop bodies that ``Parallel/forRanges(_:grain:_:)`` runs on other threads. A
/// closure cannot give that: the loop closure handed to another thread is compiled once, for any
/// element function, and calls it through a pointer per element (not vectorised: a sigmoid of 4M
/// floats took 35 ms that way, against about 3 ms specialised).
protocol UnaryScalarFunction {
    func callAsFunction(_ x: Float) -> Float
}

/// A function of two scalars that the element-wise loops apply (``Elementwise/zip(_:_:operation:_:)``).
protocol BinaryScalarFunction {
    func callAsFunction(_ x: Float, _ y: Float) -> Float
}

/// The scalar functions of the element-wise tensor ops.
enum Scalar {
    // MARK: - Arithmetic

    struct Add: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x + y }
    }

    struct Subtract: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x - y }
    }

    struct Multiply: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x * y }
    }

    struct Divide: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x / y }
    }

    struct Power: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    }

    struct Maximum: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { Swift.max(x, y) }
    }

    struct Minimum: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { Swift.min(x, y) }
    }

    // Comparisons: 1 where the comparison holds, else 0.

    struct Greater: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x > y ? 1 : 0 }
    }

    struct Less: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x < y ? 1 : 0 }
    }

    struct GreaterOrEqual: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x >= y ? 1 : 0 }
    }

    struct LessOrEqual: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x <= y ? 1 : 0 }
    }

    struct Equal: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x == y ? 1 : 0 }
    }

    struct NotEqual: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float, _ y: Float) -> Float { x != y ? 1 : 0 }
    }

    // MARK: - Simple functions of one scalar

    struct Identity: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x }
    }

    struct Negate: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { -x }
    }

    struct Square: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x }
    }

    struct Reciprocal: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / x }
    }

    struct SquareRoot: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x.squareRoot() }
    }

    struct ReciprocalSquareRoot: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / x.squareRoot() }
    }

    struct Absolute: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.abs(x) }
    }

    struct Sign: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
    }

    /// `x^exponent` for a constant exponent.
    struct ConstantPower: UnaryScalarFunction {
        let exponent: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { powf(x, exponent) }
    }

    struct Clamp: UnaryScalarFunction {
        let lower: Float, upper: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float {
            Swift.min(Swift.max(x, lower), upper)
        }
    }

    /// 1 inside `[lower, upper]`, else 0 (the derivative of ``Clamp``).
    struct Inside: UnaryScalarFunction {
        let lower: Float, upper: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float {
            x >= lower && x <= upper ? 1 : 0
        }
    }

    /// `x` where finite, 0 elsewhere.
    struct FiniteOrZero: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x.isFinite ? x : 0 }
    }

    // MARK: - Transcendental functions

    struct Exp: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { VectorMath.exp(x) }
    }

    struct Log: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { VectorMath.log(x) }
    }

    struct Log1p: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { log1pf(x) }
    }

    struct Expm1: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { expm1f(x) }
    }

    struct Sigmoid: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { VectorMath.sigmoid(x) }
    }

    struct Tanh: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { VectorMath.tanh(x) }
    }

    struct Softplus: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { VectorMath.softplus(x) }
    }

    /// `softplus(logit) − label · logit`: binary cross-entropy with logits.
    struct SigmoidCrossEntropy: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ logit: Float, _ label: Float) -> Float {
            VectorMath.softplus(logit) - label * logit
        }
    }

    // MARK: - Activations and their derivatives

    struct ReLU: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.max(x, 0) }
    }

    struct LeakyReLU: UnaryScalarFunction {
        let negativeSlope: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : negativeSlope * x }
    }

    /// The derivative of ``LeakyReLU`` (``ReLU``'s with a slope of 0).
    struct LeakyReLUDerivative: UnaryScalarFunction {
        let negativeSlope: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? 1 : negativeSlope }
    }

    /// `gradient · derivative(input)`.
    struct ScaledBy<Derivative: UnaryScalarFunction>: BinaryScalarFunction {
        let derivative: Derivative
        @inline(__always) func callAsFunction(_ gradient: Float, _ input: Float) -> Float {
            gradient * derivative(input)
        }
    }
}
