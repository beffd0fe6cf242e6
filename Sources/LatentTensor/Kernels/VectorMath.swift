/// Branch-free transcendental functions that the compiler vectorises inside element-wise loops.
///
/// libm's `expf`, `logf`, `log1pf` and `tanhf` are calls the loop vectoriser cannot see into
/// (35–80 ms for a sigmoid of 4M floats here, 15–30× a copy; `log1pf` alone was 14% of a VAE
/// step). These are straight-line code with selects instead of branches, so a loop
/// `out[i] = VectorMath.sigmoid(in[i])` becomes vector code. `exp` and `log` follow Cephes'
/// `expf` and `logf` (Moshier 1992): range reduction to `[−ln 2/2, ln 2/2]` (exp) or a mantissa
/// in `[√½, √2)` (log) and a minimax polynomial; both are within about 1 ulp over the whole Float
/// range, including subnormal results and arguments, infinities and NaN.
enum VectorMath {
    /// `e^x`.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        // Beyond these, e^x overflows to inf or is below half the smallest subnormal.
        let result = reducedExp(Swift.min(Swift.max(x, -104), 89))
        return x != x ? x : (x > 88.722_839 ? .infinity : result)
    }

    /// `e^x` for `x ≤ 0` or NaN (sigmoid's and softplus's `e^−|x|`): no overflow to handle, and
    /// NaN passes through the clamp and the arithmetic, so none of `exp`'s final selects.
    @inline(__always)
    static func expNonPositive(_ x: Float) -> Float {
        reducedExp(x < -104 ? -104 : x)
    }

    /// The body of `exp` for `clamped` in [−104, 89] (or NaN, which gives NaN).
    @inline(__always)
    private static func reducedExp(_ clamped: Float) -> Float {
        // n = round(x / ln 2) by the 1.5·2²³ trick: the sum's low mantissa bits hold n.
        let magic: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let integer = Int32(bitPattern: shifted.bitPattern) &- Int32(bitPattern: magic.bitPattern)
        // r = x − n ln 2 in two parts, the first exact.
        var r = clamped - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        // 2ⁿ as two normal factors, so that n from −150 to 128 scales without overflow.
        let half = integer &>> 1
        let first = Float(bitPattern: UInt32(bitPattern: (half &+ 127) &<< 23))
        let second = Float(bitPattern: UInt32(bitPattern: (integer &- half &+ 127) &<< 23))
        return p * first * second
    }

    /// The natural logarithm: NaN below 0, −inf at 0.
    @inline(__always)
    static func log(_ input: Float) -> Float {
        // Subnormals are scaled into the normal range first.
        let isSubnormal = input < Float.leastNormalMagnitude
        let x = isSubnormal ? input * 8_388_608 : input  // · 2²³
        // x = m · 2^e with m in [0.5, 1).
        let bits = Int32(bitPattern: x.bitPattern)
        var e = Float((bits &>> 23) &- 126) - (isSubnormal ? 23 : 0)
        var m = Float(bitPattern: UInt32(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000))
        // m in [√½, √2) after moving a factor 2 into e; then f = m − 1.
        let small = m < 0.707_106_781
        e = small ? e - 1 : e
        m = small ? m + m : m
        let f = m - 1
        let result = reducedLog(f, exponent: e)
        let special = input < 0 ? Float.nan : (input == 0 ? -Float.infinity : input)
        return input > 0 && input < .infinity ? result : special  // NaN and inf pass through
    }

    /// `log(1 + t)` for `t` in `[0, 1]` (softplus's `log1p(e^−|x|)`), with no rounding in the
    /// reduction: `1 + t = 2^e · (1 + f)` with `f = t` below √2 − 1 and `f = (t − 1) / 2` above,
    /// both exact, so no division and no special cases are needed.
    @inline(__always)
    static func log1pUnit(_ t: Float) -> Float {
        let isLarge = t >= 0.414_213_56
        let f = isLarge ? (t - 1) * 0.5 : t
        let e: Float = isLarge ? 1 : 0
        return reducedLog(f, exponent: e)
    }

    /// `log(2^e · (1 + f))` for `f` in [√½ − 1, √2 − 1]: Cephes' logf polynomial in `f`, with
    /// `log 2` split in two so the exponent's part adds without rounding.
    @inline(__always)
    private static func reducedLog(_ f: Float, exponent e: Float) -> Float {
        let z = f * f
        var p: Float = 7.037_683_629_2e-2
        p = p * f - 1.151_461_031_0e-1
        p = p * f + 1.167_699_874_0e-1
        p = p * f - 1.242_014_084_6e-1
        p = p * f + 1.424_932_278_7e-1
        p = p * f - 1.666_805_766_5e-1
        p = p * f + 2.000_071_476_5e-1
        p = p * f - 2.499_999_399_3e-1
        p = p * f + 3.333_333_117_4e-1
        var y = f * z * p
        y = y + e * -2.121_944_4e-4
        y = y - 0.5 * z
        return f + y + e * 0.693_359_375
    }

    /// `1 / (1 + e^−x)`, without overflow.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        let e = expNonPositive(-Swift.abs(x))  // in [0, 1], NaN for NaN
        let s = 1 / (1 + e)
        return x < 0 ? e * s : s
    }

    /// `log(1 + e^x)` as `max(x, 0) + log1p(e^−|x|)`.
    @inline(__always)
    static func softplus(_ x: Float) -> Float {
        let result = Swift.max(x, 0) + log1pUnit(expNonPositive(-Swift.abs(x)))
        return x != x ? x : result
    }

    /// The hyperbolic tangent: Cephes' odd polynomial below 0.625, `1 − 2 / (e^2|x| + 1)` with
    /// the sign restored above.
    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        let magnitude = Swift.abs(x)
        let z = x * x
        var p: Float = -5.704_988_72e-3
        p = p * z + 2.063_902_12e-2
        p = p * z - 5.373_971_08e-2
        p = p * z + 1.333_144_22e-1
        p = p * z - 3.333_328_19e-1
        let near = x + x * z * p
        let far = 1 - 2 / (exp(magnitude + magnitude) + 1)
        let result = magnitude < 0.625 ? near : (x < 0 ? -far : far)
        return x != x ? x : result
    }
}
