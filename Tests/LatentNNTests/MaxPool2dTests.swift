import LatentTensor
import Testing

@testable import LatentNN

@Suite("MaxPool2d")
struct MaxPool2dTests {
    let input = Tensor(
        shape: [1, 1, 4, 4],
        scalars: [
            1, 2, 5, 6,
            3, 4, 7, 8,
            -1, -2, 0, 9,
            -3, -4, 2, 1,
        ])

    @Test func takesTheMaximumOfEachWindow() {
        let output = MaxPool2d()(input)
        #expect(output.shape == [1, 1, 2, 2] && output.scalars == [4, 8, -1, 9])
        #expect(MaxPool2d().namedParameters.isEmpty)
    }

    @Test func overlappingWindows() {
        let output = MaxPool2d(size: 3, stride: 1)(input)
        #expect(output.shape == [1, 1, 2, 2] && output.scalars == [7, 9, 7, 9])
    }
}
