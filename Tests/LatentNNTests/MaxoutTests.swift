import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("Maxout")
struct MaxoutTests {
    var generator = SplitMix64(seed: 23)

    @Test mutating func theGANPapersDiscriminatorLayer() {
        let layer = Maxout(inputFeatures: 784, outputFeatures: 240, pieces: 5, using: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(layer.namedParameters.map(\.parameter.shape) == [[1200, 784], [1200]])
        #expect(layer(Tensor(zeros: [2, 784])).shape == [2, 240])
    }

    @Test mutating func eachUnitIsTheLargestOfItsPieces() {
        let layer = Maxout(inputFeatures: 3, outputFeatures: 2, pieces: 3, using: &generator)
        let input = Tensor(randomNormal: [4, 3], using: &generator)
        let pieces = layer.linear(input).scalars
        let expected = (0..<4).flatMap { row in
            (0..<2).map { unit in (0..<3).map { pieces[row * 6 + unit * 3 + $0] }.max()! }
        }
        #expect(Close.tensor(layer(input), shape: [4, 2], expected))
        #expect(GradientCheck.maximumError(at: [input]) { layer($0[0]) } < 1e-2)
    }
}
