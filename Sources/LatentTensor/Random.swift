/// A small, fast, seedable random number generator (SplitMix64, Steele et al. 2014).
///
/// The same seed yields the same sequence on every machine, so runs are repeatable bit for bit.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The whole internal state: saving it and restoring it with ``init(state:)`` continues the
    /// sequence exactly (for resuming runs).
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// Restores a generator from a saved ``state``.
    public init(state: UInt64) { self.state = state }

    /// A generator for a named sub-stream (an epoch, a component), independent of the parent's.
    public func derived(_ stream: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: state ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// A uniform Float in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal Float by the Box–Muller transform (one of the pair is used).
    @inlinable
    public mutating func nextStandardNormal() -> Float {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1 - Double(next() >> 11) * 0x1.0p-53
        let u2 = Double(next() >> 11) * 0x1.0p-53
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
