import LatentTensor
import Testing

@testable import LatentNN

@Suite("Flatten")
struct FlattenTests {
    @Test func mergesAllButTheBatchAxis() {
        let input = Tensor(shape: [2, 3, 4, 5], scalars: (0..<120).map(Float.init))
        let output = Flatten()(input)
        #expect(output.shape == [2, 60])
        #expect(output.scalars == input.scalars)
        #expect(Flatten().namedParameters.isEmpty)
    }

    @Test func startAxisChoosesTheFirstMergedAxis() {
        #expect(Flatten(startAxis: 2)(Tensor(zeros: [2, 3, 4, 5])).shape == [2, 3, 20])
        #expect(Flatten(startAxis: 0)(Tensor(zeros: [2, 3])).shape == [6])
    }
}
