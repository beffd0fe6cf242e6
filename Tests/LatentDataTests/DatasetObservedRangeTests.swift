import LatentTensor
import Testing

@testable import LatentData

@Suite("Dataset observed range")
struct DatasetObservedRangeTests {
    /// The values held, not the declared `valueRange`; `nil` with a NaN or no values.
    @Test func observedRangeIsTheSmallestAndLargestValueHeld() {
        let points = Dataset(
            name: "points", examples: Tensor(shape: [3, 2], scalars: [0.5, -1.25, 2, 0, 0.75, 1]),
            valueRange: -5...5)
        #expect(points.observedRange == -1.25...2)
        let withNaN = Dataset(
            name: "nan", examples: Tensor(shape: [2, 1], scalars: [0.5, .nan]), valueRange: 0...1)
        #expect(withNaN.observedRange == nil)
        let empty = Dataset(name: "empty", examples: Tensor(zeros: [0, 2]), valueRange: 0...1)
        #expect(empty.observedRange == nil)
    }
}
