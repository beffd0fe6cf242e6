import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("Embedding")
struct EmbeddingTests {
    var generator = SplitMix64(seed: 19)

    @Test mutating func weightIsCountByDimension() {
        let embedding = Embedding(count: 10, dimension: 4, using: &generator)
        #expect(embedding.namedParameters.map(\.name) == ["weight"])
        #expect(embedding.weight.shape == [10, 4])
    }

    @Test mutating func looksUpRowsAndAccumulatesTheirGradients() {
        let embedding = Embedding(count: 3, dimension: 2, using: &generator)
        embedding.weight.value = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let output = embedding([2, 0, 2])
        #expect(output.shape == [3, 2] && output.scalars == [20, 21, 0, 1, 20, 21])
        let gradient = output.sum().gradients(withRespectTo: [embedding.weight.value])[0]
        #expect(gradient.scalars == [1, 1, 0, 0, 2, 2])
    }

    @Test mutating func tensorIndicesKeepTheirShape() {
        let embedding = Embedding(count: 5, dimension: 3, using: &generator)
        let output = embedding(Tensor(shape: [2, 2], scalars: [4, 0, 1, 4]))
        #expect(output.shape == [2, 2, 3])
        #expect(output.scalars == embedding([4, 0, 1, 4]).scalars)
    }
}
