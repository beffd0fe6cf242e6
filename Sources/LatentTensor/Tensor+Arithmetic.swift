#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Binary operations with broadcasting

extension Tensor {
    /// Adds two tensors elementwise, broadcasting their shapes.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (shape, storage) = Elementwise.zip(lhs, rhs, operation: "+", Scalar.Add())
        return Tensor(shape: shape, storage: storage, recording: [lhs, rhs], operation: "add") {
            upstream, needed in
            [needed[0] ? upstream.summed(toShape: lhs.shape) : nil,
             needed[1] ? upstream.summed(toShape: rhs.shape) : nil]
        }
    }

    /// Subtracts two tensors elementwise, broadcasting their shapes.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (shape, storage) = Elementwise.zip(lhs, rhs, operation: "-", Scalar.Subtract())
        return Tensor(shape: shape, storage: storage, recording: [lhs, rhs], operation: "subtract") {
            upstream, needed in
            [needed[0] ? upstream.summed(toShape: lhs.shape) : nil,
             needed[1] ? (-upstream).summed(toShape: rhs.shape) : nil]
        }
    }

    /// Multiplies two tensors elementwise, broadcasting their shapes.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (shape, storage) = Elementwise.zip(lhs, rhs, operation: "*", Scalar.Multiply())
        return Tensor(shape: shape, storage: storage, recording: [lhs, rhs], operation: "multiply") {
            upstream, needed in
            [needed[0] ? (upstream * rhs).summed(toShape: lhs.shape) : nil,
             needed[1] ? (upstream * lhs).summed(toShape: rhs.shape) : nil]
        }
    }

    /// Divides two tensors elementwise, broadcasting their shapes.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        let (shape, storage) = Elementwise.zip(lhs, rhs, operation: "/", Scalar.Divide())
        return Tensor(shape: shape, storage: storage, recording: [lhs, rhs], operation: "divide") {
            upstream, needed in
            [needed[0] ? (upstream / rhs).summed(toShape: lhs.shape) : nil,
             needed[1] ? (-upstream * lhs / (rhs * rhs)).summed(toShape: rhs.shape) : nil]
        }
    }

    /// Raises `self` to the power `exponent` elementwise, broadcasting; the base must be
    /// positive where the exponent's gradient is needed.
    public func pow(_ exponent: Tensor) -> Tensor {
        let base = self
        let (shape, storage) = Elementwise.zip(base, exponent, operation: "pow", Scalar.Power())
        return Tensor(shape: shape, storage: storage, recording: [base, exponent], operation: "pow") {
            upstream, needed in
            [needed[0]
                ? (upstream * exponent * base.pow(exponent - 1)).summed(toShape: base.shape) : nil,
             needed[1]
                ? (upstream * base.pow(exponent) * base.log()).summed(toShape: exponent.shape) : nil]
        }
    }

    /// Raises `self` to a constant power elementwise.
    public func pow(_ exponent: Float) -> Tensor {
        let base = self
        let storage = Elementwise.map(base, Scalar.ConstantPower(exponent: exponent))
        return Tensor(shape: shape, storage: storage, recording: [base], operation: "pow") {
            upstream, _ in [upstream * (exponent * base.pow(exponent - 1))]
        }
    }

    /// The elementwise maximum of two tensors, broadcasting; the gradient goes to the larger
    /// operand (to `self` on ties).
    public func maximum(_ other: Tensor) -> Tensor {
        let lhs = self
        let (shape, storage) = Elementwise.zip(lhs, other, operation: "maximum", Scalar.Maximum())
        return Tensor(shape: shape, storage: storage, recording: [lhs, other], operation: "maximum") {
            upstream, needed in
            let mask = lhs .>= other
            return [needed[0] ? (upstream * mask).summed(toShape: lhs.shape) : nil,
                    needed[1] ? (upstream * (1 - mask)).summed(toShape: other.shape) : nil]
        }
    }

    /// The elementwise minimum of two tensors, broadcasting; the gradient goes to the smaller
    /// operand (to `self` on ties).
    public func minimum(_ other: Tensor) -> Tensor {
        let lhs = self
        let (shape, storage) = Elementwise.zip(lhs, other, operation: "minimum", Scalar.Minimum())
        return Tensor(shape: shape, storage: storage, recording: [lhs, other], operation: "minimum") {
            upstream, needed in
            let mask = lhs .<= other
            return [needed[0] ? (upstream * mask).summed(toShape: lhs.shape) : nil,
                    needed[1] ? (upstream * (1 - mask)).summed(toShape: other.shape) : nil]
        }
    }

    /// `self + lhs * rhs` in one pass over the three tensors when their shapes are equal; other
    /// shapes broadcast through the separate ops. Rounded as the separate ops (the product, then the
    /// sum), not as one fused multiply-add, so results do not depend on the CPU.
    public func addingProduct(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        guard lhs.shape == shape && rhs.shape == shape else { return self + lhs * rhs }
        let base = self
        return Tensor(shape: shape, storage: Elementwise.multiplyAdd(lhs, rhs, base),
                      recording: [base, lhs, rhs], operation: "addingProduct") { upstream, needed in
            [needed[0] ? upstream : nil, needed[1] ? upstream * rhs : nil,
             needed[2] ? upstream * lhs : nil]
        }
    }

    /// Picks `self` where `mask` is nonzero and `other` elsewhere, broadcasting all three.
    ///
    /// The mask receives no gradient.
    public func replacing(with other: Tensor, where mask: Tensor) -> Tensor {
        Tensor.where(mask, self, other)
    }

    /// Picks `a` where `condition` is nonzero and `b` elsewhere, broadcasting all three shapes;
    /// the condition receives no gradient.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Shape.broadcast(
            Shape.broadcast(condition.shape, a.shape, operation: "where"), b.shape,
            operation: "where")
        let m = (condition.detached().expanded(to: shape) .!= 0)
        let x = a.detached().expanded(to: shape), y = b.detached().expanded(to: shape)
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        let mask = m.storage.base, left = x.storage.base, right = y.storage.base
        for index in 0..<shape.elementCount {
            storage.base[index] = mask[index] != 0 ? left[index] : right[index]
        }
        return Tensor(shape: shape, storage: storage, recording: [a, b], operation: "where") {
            upstream, needed in
            [needed[0] ? (upstream * m).summed(toShape: a.shape) : nil,
             needed[1] ? (upstream * (1 - m)).summed(toShape: b.shape) : nil]
        }
    }
}

// MARK: - Scalars on either side

extension Tensor {
    /// Adds a scalar to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs + Tensor(rhs) }
    /// Adds a scalar to every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    /// Subtracts a scalar from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs + Tensor(-rhs) }
    /// Subtracts every element from a scalar.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs * Tensor(rhs) }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
    /// Divides every element by a scalar.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs * Tensor(1 / rhs) }
    /// Divides a scalar by every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }

    /// Negates every element.
    public static prefix func - (x: Tensor) -> Tensor {
        Tensor(shape: x.shape, storage: Elementwise.map(x, Scalar.Negate()), recording: [x],
               operation: "negate") { upstream, _ in [-upstream] }
    }

    /// Adds `rhs` to `lhs`, broadcasting.
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs`, broadcasting.
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    /// Multiplies `lhs` by `rhs`, broadcasting.
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
}

// MARK: - Comparisons (no gradient)

infix operator .!=: ComparisonPrecedence

extension Tensor {
    private static func compare(
        _ lhs: Tensor, _ rhs: Tensor, _ name: String, _ test: some BinaryScalarFunction
    ) -> Tensor {
        let (shape, storage) = Elementwise.zip(lhs, rhs, operation: name, test)
        return Tensor(shape: shape, storage: storage)
    }

    /// 1 where `lhs > rhs`, else 0 (broadcasting; no gradient).
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, ".>", Scalar.Greater()) }
    /// 1 where `lhs < rhs`, else 0 (broadcasting; no gradient).
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, ".<", Scalar.Less()) }
    /// 1 where `lhs >= rhs`, else 0 (broadcasting; no gradient).
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, ".>=", Scalar.GreaterOrEqual()) }
    /// 1 where `lhs <= rhs`, else 0 (broadcasting; no gradient).
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, ".<=", Scalar.LessOrEqual()) }
    /// 1 where `lhs == rhs`, else 0 (broadcasting; no gradient).
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, ".==", Scalar.Equal()) }
    /// 1 where `lhs != rhs`, else 0 (broadcasting; no gradient).
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, ".!=", Scalar.NotEqual()) }
    /// 1 where `lhs > rhs`, else 0 (no gradient).
    public static func .> (lhs: Tensor, rhs: Float) -> Tensor { lhs .> Tensor(rhs) }
    /// 1 where `lhs < rhs`, else 0 (no gradient).
    public static func .< (lhs: Tensor, rhs: Float) -> Tensor { lhs .< Tensor(rhs) }
    /// 1 where `lhs >= rhs`, else 0 (no gradient).
    public static func .>= (lhs: Tensor, rhs: Float) -> Tensor { lhs .>= Tensor(rhs) }
    /// 1 where `lhs <= rhs`, else 0 (no gradient).
    public static func .<= (lhs: Tensor, rhs: Float) -> Tensor { lhs .<= Tensor(rhs) }
    /// 1 where `lhs == rhs`, else 0 (no gradient).
    public static func .== (lhs: Tensor, rhs: Float) -> Tensor { lhs .== Tensor(rhs) }
    /// 1 where `lhs != rhs`, else 0 (no gradient).
    public static func .!= (lhs: Tensor, rhs: Float) -> Tensor { lhs .!= Tensor(rhs) }
}
