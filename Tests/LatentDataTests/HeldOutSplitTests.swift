import Foundation
import LatentTensor
import TestSupport
import Testing

@testable import LatentData

/// Image folders and CSV files have no test split of their own: one is held out of them.
@Suite("HeldOutSplit")
struct HeldOutSplitTests {
    /// Writes `count` 2x2 grey images whose pixels are all `first + index`, named in order.
    private func writeImages(in folder: String, count: Int, first: Int = 0) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for index in 0..<count {
            let image = PNGImage(
                width: 2, height: 2, channels: 1,
                pixels: [UInt8](repeating: UInt8(first + index), count: 4))
            try image.write(to: folder + "/" + String(format: "%03d.png", index))
        }
    }

    /// The first value of each example, which identifies it in these tests.
    private func identities(_ dataset: Dataset) -> [Float] {
        dataset.examples.scalars.enumerated().filter { $0.offset % dataset.exampleSize == 0 }
            .map(\.element)
    }

    @Test func csvHoldsOutATenthDisjointAndStable() throws {
        let folder = try TemporaryFolder.create("split-csv")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/points.csv"
        try writeFile(Array((0..<20).map { "\($0),\(-$0)\n" }.joined().utf8), to: path)
        let source = try DataSource(parsing: "csv:" + path)
        let train = try source.load(.train)
        let test = try source.load(.test)
        #expect(train.count == 18 && test.count == 2)
        let (trainIDs, testIDs) = (identities(train), identities(test))
        #expect(Set(trainIDs).isDisjoint(with: testIDs))
        #expect(Set(trainIDs + testIDs) == Set((0..<20).map(Float.init)))
        #expect(trainIDs == trainIDs.sorted() && testIDs == testIDs.sorted())
        #expect(identities(try source.load(.test, seed: 9)) == testIDs)
        let quarter = try DataSource(parsing: "csv:" + path + "?test=0.25")
        #expect(try quarter.load(.test).count == 5 && quarter.load(.train).count == 15)
    }

    @Test func testZeroKeepsEverythingForTraining() throws {
        let folder = try TemporaryFolder.create("split-zero")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/points.csv"
        try writeFile(Array("1,2\n3,4\n5,6\n".utf8), to: path)
        let source = try DataSource(parsing: "csv:\(path)?test=0")
        #expect(try source.load(.train).count == 3)
        #expect(
            throws: DataError.invalidSpecification(
                "csv:\(path)?test=0", detail: "test=0 holds out no test split")
        ) {
            try source.load(.test)
        }
    }

    @Test(arguments: [
        ("csv:p.csv?test=1", "test must be from 0 to 0.9, got 1"),
        ("csv:p.csv?test=-0.1", "test must be from 0 to 0.9, got -0.1"),
        ("folder:faces?tset=0.1", "unknown parameter 'tset' for folder"),
        ("folder:faces?test=0.1&test=0.2", "parameter 'test' is given twice"),
    ])
    func badTestFractionsAreRefused(text: String, detail: String) {
        #expect(throws: DataError.invalidSpecification(text, detail: detail)) {
            try DataSource(parsing: text)
        }
    }

    @Test func everyClassKeepsATrainingExample() throws {
        let root = try TemporaryFolder.create("split-classes")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeImages(in: root + "/many", count: 10)
        try writeImages(in: root + "/one", count: 1, first: 100)
        let source = try DataSource(parsing: "folder:\(root)?test=0.5")
        let train = try source.load(.train)
        let test = try source.load(.test)
        #expect(train.count + test.count == 11 && test.count == 6)
        #expect(train.labelCounts == [4, 1] && test.labelCounts == [6, 0])
        #expect(Set(identities(train)).isDisjoint(with: identities(test)))
        #expect(train.classNames == ["many", "one"] && test.classCount == 2)
    }

    @Test func aSingleExampleHasNoTestSplit() throws {
        let root = try TemporaryFolder.create("split-single")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeImages(in: root, count: 1)
        let source = try DataSource(parsing: "folder:" + root)
        #expect(try source.load(.train).count == 1)
        #expect(
            throws: DataError.invalidSpecification(
                "folder:" + root,
                detail: "1 example is too few to hold out a test split (every class keeps a "
                    + "training example)")
        ) {
            try source.load(.test)
        }
    }

    @Test func trainAndTestSubFoldersAreTheSplits() throws {
        let root = try TemporaryFolder.create("split-subfolders")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (split, count, first) in [("train", 3, 0), ("test", 2, 50)] {
            try writeImages(in: "\(root)/\(split)/cats", count: count, first: first)
            try writeImages(in: "\(root)/\(split)/dogs", count: count, first: first + 10)
        }
        let source = try DataSource(parsing: "folder:" + root)
        let train = try source.load(.train)
        let test = try source.load(.test)
        #expect(train.count == 6 && train.classNames == ["cats", "dogs"])
        #expect(test.count == 4 && test.labels == [0, 0, 1, 1])
        #expect(identities(test).allSatisfy { $0 >= Float(50) / 255 })
        #expect(throws: DataError.self) {
            try DataSource(parsing: "folder:\(root)?test=0.2").load(.train)
        }
        try writeImages(in: "\(root)/test/birds", count: 1)
        #expect(
            throws: DataError.mismatch(
                path: root + "/test",
                detail: "classes [\"birds\", \"cats\", \"dogs\"] differ from those of "
                    + "\(root)/train, [\"cats\", \"dogs\"]")
        ) {
            try source.load(.test)
        }
    }
}
