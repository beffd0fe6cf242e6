import LatentTensor

/// Finite-difference checks of analytic gradients, for tests.
public enum GradientCheck {
    /// The worst error between the analytic gradient of `function` and central differences.
    ///
    /// The function's output is reduced to a scalar with fixed random weights, so every output
    /// element is checked. The error of one entry is `|analytic − numeric| / max(1, |analytic|,
    /// |numeric|)`: relative for large gradients, absolute for small ones.
    ///
    /// - Parameters:
    ///   - inputs: the points at which to differentiate.
    ///   - step: the finite-difference step.
    ///   - function: the operation under test.
    /// - Returns: the largest error over all entries of all inputs.
    public static func maximumError(
        at inputs: [Tensor], step: Float = 1e-2, seed: UInt64 = 99,
        of function: @escaping ([Tensor]) -> Tensor
    ) -> Float {
        var generator = SplitMix64(seed: seed)
        let probe = function(inputs)
        let weights = Tensor(randomUniform: probe.shape, lowerBound: 0.5, upperBound: 1.5, using: &generator)
        let objective: ([Tensor]) -> Tensor = { (function($0) * weights).sum() }
        let leaves = inputs.map { $0.detached().requiringGradient() }
        let analytic = objective(leaves).gradients(withRespectTo: leaves)
        var worst: Float = 0
        for (inputIndex, input) in inputs.enumerated() {
            for element in 0..<input.scalarCount {
                func evaluate(_ offset: Float) -> Double {
                    var shifted = inputs
                    shifted[inputIndex] = input.detached()
                    shifted[inputIndex].withUnsafeMutableScalars { $0[element] += offset }
                    return Double(withoutGradients { objective(shifted) }.scalar)
                }
                let numeric = Float((evaluate(step) - evaluate(-step)) / Double(2 * step))
                let exact = analytic[inputIndex].scalars[element]
                let error = Swift.abs(exact - numeric) / Swift.max(1, Swift.abs(exact), Swift.abs(numeric))
                worst = Swift.max(worst, error)
            }
        }
        return worst
    }

    /// The worst error of a second-order gradient: the analytic gradient of `outer` (which may
    /// differentiate internally with `createsGraph: true`) with respect to `parameters`,
    /// against central differences of `outer` itself.
    public static func maximumSecondOrderError(
        parameters: [Tensor], step: Float = 1e-2, of outer: ([Tensor]) -> Tensor
    ) -> Float {
        let leaves = parameters.map { $0.detached().requiringGradient() }
        let analytic = outer(leaves).gradients(withRespectTo: leaves)
        var worst: Float = 0
        for (index, parameter) in parameters.enumerated() {
            for element in 0..<parameter.scalarCount {
                func evaluate(_ offset: Float) -> Double {
                    var shifted = parameters.map { $0.detached().requiringGradient() }
                    var moved = parameter.detached()
                    moved.withUnsafeMutableScalars { $0[element] += offset }
                    shifted[index] = moved.requiringGradient()
                    return Double(outer(shifted).scalar)
                }
                let numeric = Float((evaluate(step) - evaluate(-step)) / Double(2 * step))
                let exact = analytic[index].scalars[element]
                let error = Swift.abs(exact - numeric) / Swift.max(1, Swift.abs(exact), Swift.abs(numeric))
                worst = Swift.max(worst, error)
            }
        }
        return worst
    }
}
