import LatentTensor
import Testing

@testable import LatentNN

@Suite("Unflatten")
struct UnflattenTests {
    @Test func reshapesEachSample() {
        let input = Tensor(shape: [2, 12], scalars: (0..<24).map(Float.init))
        let output = Unflatten(shape: [3, 2, 2])(input)
        #expect(output.shape == [2, 3, 2, 2])
        #expect(output.scalars == input.scalars)
    }

    @Test func undoesFlatten() {
        let input = Tensor(shape: [4, 1, 2, 3], scalars: (0..<24).map(Float.init))
        let roundTrip = Unflatten(shape: [1, 2, 3])(Flatten()(input))
        #expect(roundTrip.shape == input.shape && roundTrip.scalars == input.scalars)
    }
}
