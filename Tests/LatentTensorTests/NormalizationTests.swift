import LatentTensor
import TestSupport
import Testing

/// The fused batch normalisation against the same function composed of elementary ops.
@Suite("Batch normalisation")
struct NormalizationTests {
    var generator = SplitMix64(seed: 93)

    /// `(x − mean) / √(var + ε) · scale + offset` over every axis but 1, from elementary ops.
    static func composite(_ x: Tensor, _ scale: Tensor, _ offset: Tensor, epsilon: Float) -> Tensor {
        let axes = [0] + Array(2..<x.rank)
        let featureShape = [1, x.shape[1]] + Array(repeating: 1, count: x.rank - 2)
        let centred = x - x.mean(alongAxes: axes, keepingDimensions: true)
        let variance = centred.squared().mean(alongAxes: axes, keepingDimensions: true)
        return centred * (variance + epsilon).rsqrt() * scale.reshaped(to: featureShape)
            + offset.reshaped(to: featureShape)
    }

    // Tolerance 1e-4: Float32 sums of up to 48 terms, two formulas.
    @Test(arguments: [[4, 3], [3, 2, 2, 2], [2, 3, 4, 1]])
    mutating func valuesStatisticsAndGradientsMatchTheComposite(shape: [Int]) {
        let x = Tensor(randomNormal: shape, mean: 0.5, standardDeviation: 2, using: &generator)
        let scale = Tensor(randomNormal: [shape[1]], using: &generator)
        let offset = Tensor(randomNormal: [shape[1]], using: &generator)
        let fused = x.batchNormalized(scale: scale, offset: offset, epsilon: 1e-5)
        #expect(Close.tensors(fused.output, Self.composite(x, scale, offset, epsilon: 1e-5), tolerance: 1e-4))
        let axes = [0] + Array(2..<x.rank)
        #expect(Close.tensors(fused.mean, x.mean(alongAxes: axes), tolerance: 1e-5))
        #expect(Close.tensors(fused.variance, x.variance(alongAxes: axes), tolerance: 1e-4))
        let weights = Tensor(randomNormal: shape, using: &generator)
        let leaves = [x, scale, offset].map { $0.requiringGradient() }
        let fusedGradients = (leaves[0].batchNormalized(scale: leaves[1], offset: leaves[2], epsilon: 1e-5)
            .output * weights).sum().gradients(withRespectTo: leaves)
        let compositeGradients = (Self.composite(leaves[0], leaves[1], leaves[2], epsilon: 1e-5) * weights)
            .sum().gradients(withRespectTo: leaves)
        for (fusedGradient, compositeGradient) in zip(fusedGradients, compositeGradients) {
            #expect(Close.tensors(fusedGradient, compositeGradient, tolerance: 1e-4))
        }
        // The recorded pullback (createsGraph) gives the same first-order values.
        let recorded = (leaves[0].batchNormalized(scale: leaves[1], offset: leaves[2], epsilon: 1e-5)
            .output * weights).sum().gradients(withRespectTo: leaves, createsGraph: true)
        for (recordedGradient, compositeGradient) in zip(recorded, compositeGradients) {
            #expect(Close.tensors(recordedGradient, compositeGradient, tolerance: 1e-4))
        }
    }

    // Tolerance 2e-2: Float32 central differences with step 1e-2.
    @Test mutating func gradientMatchesFiniteDifferences() {
        let x = Tensor(randomNormal: [3, 2, 2, 2], using: &generator)
        let scale = Tensor(randomNormal: [2], using: &generator)
        let offset = Tensor(randomNormal: [2], using: &generator)
        let error = GradientCheck.maximumError(at: [x, scale, offset]) {
            $0[0].batchNormalized(scale: $0[1], offset: $0[2], epsilon: 1e-3).output
        }
        #expect(error < 2e-2)
    }

    // Tolerance 2e-2: second-order central differences in Float32.
    @Test mutating func penaltyGradientMatchesFiniteDifferences() {
        let x = Tensor(randomNormal: [4, 2], using: &generator)
        let weights = Tensor(randomNormal: [4, 2], using: &generator)
        let scale = Tensor(randomNormal: [2], using: &generator)
        let offset = Tensor(randomNormal: [2], using: &generator)
        let error = GradientCheck.maximumSecondOrderError(parameters: [x, scale, offset]) { p in
            let output = p[0].batchNormalized(scale: p[1], offset: p[2], epsilon: 1e-3).output
            let gradient = (output.tanh() * weights).sum()
                .gradients(withRespectTo: [p[0]], createsGraph: true)[0]
            return (gradient.squared().sum() - 1).squared()
        }
        #expect(error < 2e-2)
    }
}
