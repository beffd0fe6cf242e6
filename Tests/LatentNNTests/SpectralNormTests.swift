import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

/// The largest singular value of a row-major matrix, by a long power iteration in Double.
private func largestSingularValue(_ matrix: [Float], rows: Int, columns: Int) -> Double {
    let w = matrix.map(Double.init)
    var v = [Double](repeating: 1, count: columns)
    var sigma = 0.0
    for _ in 0..<2000 {
        let u = (0..<rows).map { r in (0..<columns).reduce(0) { $0 + w[r * columns + $1] * v[$1] } }
        let next = (0..<columns).map { c in
            (0..<rows).reduce(0) { $0 + w[$1 * columns + c] * u[$1] }
        }
        let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v = next.map { $0 / norm }
        sigma = norm.squareRoot()
    }
    return sigma
}

@Suite("SpectralNorm")
struct SpectralNormTests {
    var generator = SplitMix64(seed: 29)
    let matrix: [Float] = [2, 0, 1, -1, 1, 3, 0, 0.5, -1, 1, 2, 1]

    @Test mutating func namesFollowPyTorchsSpectralNorm() {
        let layer = SpectralNorm(
            Linear(inputFeatures: 4, outputFeatures: 3, using: &generator), using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight_orig", "bias"])
        #expect(layer.namedParameters.map(\.parameter.shape) == [[3, 4], [3]])
        #expect(layer.namedBuffers.map(\.name) == ["weight_u", "weight_v"])
        #expect(layer.namedBuffers.map(\.buffer.value.shape) == [[3], [4]])
    }

    @Test mutating func sigmaConvergesToTheLargestSingularValue() {
        let linear = Linear(inputFeatures: 4, outputFeatures: 3, using: &generator)
        linear.weight.value = Tensor(shape: [3, 4], scalars: matrix)
        let layer = SpectralNorm(linear, using: &generator)
        let input = Tensor(randomNormal: [2, 4], using: &generator)
        for _ in 0..<50 { _ = layer(input) }
        let expected = largestSingularValue(matrix, rows: 3, columns: 4)
        #expect(abs(Double(layer.sigma) - expected) < 1e-4 * expected)
        // The normalised weight has spectral norm 1 and the layer applies it.
        let normalized = layer.normalizedWeight()
        #expect(abs(largestSingularValue(normalized.scalars, rows: 3, columns: 4) - 1) < 1e-4)
        let bias = linear.bias!.value
        #expect(
            Close.tensors(
                layer(input), input.matmul(normalized, transposingOther: true) + bias,
                tolerance: 1e-4))
    }

    @Test mutating func evaluationReusesTheVectors() {
        let layer = SpectralNorm(
            Linear(inputFeatures: 4, outputFeatures: 3, using: &generator), using: &generator)
        _ = layer(Tensor(ones: [1, 4]))
        layer.eval()
        let (u, v) = (layer.u.value.scalars, layer.v.value.scalars)
        let first = layer(Tensor(ones: [1, 4])).scalars
        #expect(layer(Tensor(ones: [1, 4])).scalars == first)
        #expect(layer.u.value.scalars == u && layer.v.value.scalars == v)
        layer.train()
        _ = layer(Tensor(ones: [1, 4]))
        #expect(layer.u.value.scalars != u || layer.v.value.scalars != v)
    }

    @Test mutating func gradientTreatsTheVectorsAsConstants() {
        let linear = Linear(inputFeatures: 4, outputFeatures: 3, bias: false, using: &generator)
        linear.weight.value = Tensor(shape: [3, 4], scalars: matrix)
        let layer = SpectralNorm(linear, using: &generator)
        let input = Tensor(randomNormal: [2, 4], using: &generator)
        for _ in 0..<5 { _ = layer(input) }
        layer.eval()
        let weights = Tensor(
            randomUniform: [2, 3], lowerBound: 0.5, upperBound: 1.5, using: &generator)
        func objective() -> Float { withoutGradients { (layer(input) * weights).sum().scalar } }
        let analytic = (layer(input) * weights).sum().gradients(withRespectTo: [linear.weight.value]
        )[0]
        // Central differences on the stored weight, step 1e-2, Float32: agreement within 1e-2.
        for element in 0..<12 {
            linear.weight.updateInPlace { $0[element] += 1e-2 }
            let plus = objective()
            linear.weight.updateInPlace { $0[element] -= 2e-2 }
            let minus = objective()
            linear.weight.updateInPlace { $0[element] += 1e-2 }
            #expect(
                abs((plus - minus) / 2e-2 - analytic.scalars[element]) < 1e-2, "element \(element)")
        }
    }
}
