import Foundation

/// Sums of `exp` over contiguous rows, vectorised by hand.
///
/// The Parzen window takes one exponential per (test point, sample, sigma): 10⁸ and more on
/// MNIST. The standard library's `exp` is a scalar call, and Swift never reassociates Float
/// sums: here an element-wise loop the optimiser vectorises computes the exponentials, and
/// 16 lanes of `SIMD16<Float>` sum them.
enum VectorExp {
    /// `Σ_j exp(scale · (offset − values[j]))` for `j` in `0..<count`, where every exponent is
    /// at most about 0 (`offset` is the minimum of `values`, `scale` ≥ 0).
    ///
    /// Exponents below −87 count as `exp(−87)` (about 1.6·10⁻³⁸): the sum contains a term of
    /// about 1, so the difference is far below Float's resolution. Relative error of each term
    /// is below 2·10⁻⁷. `scratch` holds at least `count` floats.
    @inline(__always)
    static func sumOfExponentials(
        _ values: UnsafePointer<Float>, count: Int, offset: Float, scale: Float,
        scratch: UnsafeMutablePointer<Float>
    ) -> Float {
        // Pass 1, element-wise (the optimiser vectorises it): Cody–Waite reduction
        // x = k·ln 2 + r with |r| ≤ ½ ln 2, a degree-6 Taylor polynomial for exp(r) (truncation
        // below 1.1·10⁻⁷ relative), and 2^k assembled in the exponent bits. x·log₂e is rounded
        // to an integer by adding and subtracting 1.5·2²³, whose low mantissa bits then hold k.
        let magic: Float = 12_582_912
        for index in 0..<count {
            var x = (offset - values[index]) * scale
            x = x < -87 ? -87 : x
            let shifted = x * 1.442_695_04 + magic
            let k = shifted - magic
            let r = (x - k * 0.693_145_75) - k * 1.428_606_8e-6
            var p: Float = 1.0 / 720
            p = p * r + 1.0 / 120
            p = p * r + 1.0 / 24
            p = p * r + 1.0 / 6
            p = p * r + 0.5
            p = p * r + 1
            p = p * r + 1
            let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
            scratch[index] = p * Float(bitPattern: exponent)
        }
        // Pass 2: a sum in 16 lanes, since Swift never reassociates a scalar Float sum.
        var accumulator = SIMD16<Float>(repeating: 0)
        let raw = UnsafeRawPointer(scratch)
        var index = 0
        while index + 16 <= count {
            accumulator += raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            index += 16
        }
        var sum = accumulator.sum()
        while index < count {
            sum += scratch[index]
            index += 1
        }
        return sum
    }

    /// The smallest of `values[0..<count]` (∞ for none), in 16 lanes.
    @inline(__always)
    static func minimum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>(repeating: .infinity)
        let raw = UnsafeRawPointer(values)
        var index = 0
        while index + 16 <= count {
            let block = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            lanes.replace(with: block, where: block .< lanes)
            index += 16
        }
        var result = lanes.min()
        while index < count {
            result = Swift.min(result, values[index])
            index += 1
        }
        return result
    }
}
