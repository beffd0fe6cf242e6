import LatentTensor
import Testing

@testable import LatentData

@Suite("ImageGrid")
struct ImageGridTests {
    @Test func rendersTilesWithPadding() {
        let images = Tensor(shape: [3, 1, 2, 2], scalars: [Float](repeating: 1, count: 12))
        let grid = ImageGrid.render(images, columns: 2, padding: 1, paddingValue: 0)
        #expect(grid.width == 7 && grid.height == 7 && grid.channels == 1)
        #expect(grid.pixels.filter { $0 == 255 }.count == 12)
    }

    @Test func sizesThatFitPass() throws {
        try ImageGrid.checkSize(count: 64, imageShape: [1, 28, 28], columns: nil, padding: 2)
        try ImageGrid.checkSize(count: 60_000, imageShape: [1, 28, 28], columns: nil, padding: 2)
    }

    @Test(
        arguments: [
            (
                64, [1, 28, 28], nil, 100_000,
                "900224x900224 pixels, 1 channel: 754.7 GiB, more than 1 GiB; use fewer images or "
                    + "columns, or less padding"
            ),
            (
                64, [3, 28, 28], Int.max, 2,
                "276701161105643274240x32 pixels, 3 channels: 24739011624960.0 GiB, "
                    + "more than 1 GiB; use fewer images or columns, or less padding"
            ),
        ] as [(Int, [Int], Int?, Int, String)])
    func hugeGridsAreRefusedWithTheirSize(
        count: Int, shape: [Int], columns: Int?, padding: Int, detail: String
    ) {
        #expect(throws: DataError.tooLarge(what: "image grid", detail: detail)) {
            try ImageGrid.checkSize(
                count: count, imageShape: shape, columns: columns, padding: padding)
        }
    }
}
