import Foundation
import LatentTensor
import TestSupport
import Testing

@testable import LatentData

@Suite("ImageFolder")
struct ImageFolderTests {
    private func writePNG(_ path: String, channels: Int, value: UInt8, size: Int = 4) throws {
        let image = PNGImage(
            width: size, height: size, channels: channels,
            pixels: [UInt8](repeating: value, count: size * size * channels))
        try image.write(to: path)
    }

    @Test func subFoldersAreClassesInSortedOrder() throws {
        let root = try TemporaryFolder.create("classes")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (name, value) in [("zebra", UInt8(255)), ("apple", 0)] {
            try FileManager.default.createDirectory(
                atPath: root + "/" + name, withIntermediateDirectories: true)
            try writePNG(root + "/\(name)/a.png", channels: 1, value: value)
            try writePNG(root + "/\(name)/b.png", channels: 2, value: value)
        }
        let dataset = try DataSource(parsing: "folder:\(root)?test=0").load()
        #expect(dataset.examples.shape == [4, 1, 4, 4])
        #expect(dataset.labels == [0, 0, 1, 1])
        #expect(dataset.classNames == ["apple", "zebra"])
        #expect(dataset.examples.scalars.suffix(16).allSatisfy { $0 == 1 })
    }

    @Test func colourMakesThreeChannels() throws {
        let root = try TemporaryFolder.create("colour")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writePNG(root + "/grey.png", channels: 1, value: 51)
        try writePNG(root + "/rgba.png", channels: 4, value: 102)
        let dataset = try ImageFolder.load(root)
        #expect(dataset.examples.shape == [2, 3, 4, 4] && dataset.labels == nil)
        #expect(dataset.examples.scalars.first == 0.2 && dataset.examples.scalars.last == 0.4)
    }

    @Test func sizeMismatchAndNonImagesNameTheFile() throws {
        let root = try TemporaryFolder.create("bad")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writePNG(root + "/a.png", channels: 1, value: 0)
        try writePNG(root + "/b.png", channels: 1, value: 0, size: 5)
        #expect(
            throws: DataError.mismatch(
                path: root + "/b.png", detail: "image is 5x5, expected 4x4 like \(root)/a.png")
        ) {
            try ImageFolder.load(root)
        }
        try writeFile(Array("not an image".utf8), to: root + "/b.png")
        #expect(throws: DataError.wrongMagic(path: root + "/b.png", detail: "not a PNG file")) {
            try ImageFolder.load(root)
        }
    }

    @Test func everyClassFolderNeedsAnImage() throws {
        let root = try TemporaryFolder.create("empty-class")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["cats", "dogs"] {
            try FileManager.default.createDirectory(
                atPath: root + "/" + name, withIntermediateDirectories: true)
        }
        try writePNG(root + "/cats/a.png", channels: 1, value: 0)
        #expect(
            throws: DataError.corrupt(
                path: root + "/dogs", detail: "class folder with no .png files")
        ) {
            try ImageFolder.load(root)
        }
    }
}
