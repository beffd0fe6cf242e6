import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("AvgPool2d")
struct AvgPool2dTests {
    let input = Tensor(
        shape: [1, 1, 4, 4],
        scalars: [
            1, 2, 5, 6,
            3, 4, 7, 8,
            -1, -2, 0, 9,
            -3, -4, 2, 1,
        ])

    @Test func takesTheMeanOfEachWindow() {
        let output = AvgPool2d()(input)
        #expect(output.shape == [1, 1, 2, 2] && output.scalars == [2.5, 6.5, -2.5, 3])
    }

    @Test func overlappingWindows() {
        let output = AvgPool2d(size: 3, stride: 1)(input)
        let sums: [Float] = [19, 39, 6, 25]
        #expect(Close.tensor(output, shape: [1, 1, 2, 2], sums.map { $0 / 9 }))
    }
}
