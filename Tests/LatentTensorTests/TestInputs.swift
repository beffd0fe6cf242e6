import LatentTensor

/// Inputs for gradient checks that keep finite differences (step 1e-2) away from kinks.
enum TestInputs {
    /// Values of random sign with magnitude in `[low, high]` (away from a kink at 0).
    static func awayFromZero(
        _ shape: [Int], low: Float = 0.2, high: Float = 1.5,
        using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let magnitude = Tensor(
            randomUniform: shape, lowerBound: low, upperBound: high, using: &generator)
        let sign = Tensor(randomBernoulli: shape, probability: 0.5, using: &generator) * 2 - 1
        return magnitude * sign
    }

    /// Pairwise distinct values `offset + spacing · k` in random order, so maxima, minima and
    /// comparisons have no ties within a finite-difference step.
    static func distinct(
        _ shape: [Int], spacing: Float = 0.25, offset: Float = 0,
        using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let count = shape.elementCount
        let values = (0..<count).map { offset + spacing * Float($0 - count / 2) }
        return Tensor(shape: shape, scalars: values.shuffled(using: &generator))
    }

    /// A random shape of the given rank with sizes in `1...4`.
    static func shape(rank: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
        (0..<rank).map { _ in Int.random(in: 1...4, using: &generator) }
    }
}

/// Row-major index arithmetic for reference computations.
enum Index {
    /// The flat offset of `coordinate` in a row-major array of `shape`.
    static func offset(_ coordinate: [Int], in shape: [Int]) -> Int {
        zip(coordinate, Shape.strides(shape)).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// The coordinate of flat offset `offset` in a row-major array of `shape`.
    static func coordinate(_ offset: Int, in shape: [Int]) -> [Int] {
        var remainder = offset
        var result = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            result[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        return result
    }
}
