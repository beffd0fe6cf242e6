import LatentTensor

/// Comparisons of tensors and floats within a tolerance, for tests.
public enum Close {
    /// Whether two tensors have the same shape and every pair of scalars differs by at most
    /// `tolerance · max(1, |expected|)`.
    public static func tensors(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5) -> Bool {
        actual.shape == expected.shape && scalars(actual.scalars, expected.scalars, tolerance: tolerance)
    }

    /// Whether a tensor has the given shape and scalars within tolerance.
    public static func tensor(_ actual: Tensor, shape: [Int], _ expected: [Float], tolerance: Float = 1e-5) -> Bool {
        actual.shape == shape && scalars(actual.scalars, expected, tolerance: tolerance)
    }

    /// Whether two scalar lists agree within `tolerance · max(1, |expected|)` (NaN never agrees).
    public static func scalars(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5) -> Bool {
        actual.count == expected.count
            && zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }
}
