import Foundation
import LatentTensor
import TestSupport
import Testing

@testable import LatentData

@Suite("IDXDataset")
struct IDXDatasetTests {
    /// Writes `train-images-idx3-ubyte` of `[count, height, width]` values, and labels if given.
    private func writeTrainingFiles(
        in folder: String, values: [Double], dimensions: [Int], type: IDXFile.ElementType,
        labels: [Double]? = nil
    ) throws {
        try writeFile(
            IDXFile.encode(values, dimensions: dimensions, elementType: type),
            to: folder + "/train-images-idx3-ubyte")
        if let labels {
            try writeFile(
                IDXFile.encode(labels, dimensions: [labels.count], elementType: .unsignedByte),
                to: folder + "/train-labels-idx1-ubyte")
        }
    }

    @Test func loadsAFashionStyleFolderAndChecksCounts() throws {
        let root = FileManager.default.temporaryDirectory.path + "/latent-idx-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let images = IDXFile.encode(
            (0..<(3 * 2 * 5)).map { Double($0 * 8) }, dimensions: [3, 2, 5],
            elementType: .unsignedByte)
        try writeFile(Zlib.gzip(images), to: root + "/emnist-digits-train-images-idx3-ubyte.gz")
        try writeFile(
            IDXFile.encode([2, 0, 1], dimensions: [3], elementType: .unsignedByte),
            to: root + "/emnist-digits-train-labels-idx1-ubyte")
        let dataset = try DataSource(parsing: "idx:" + root).load()
        #expect(
            dataset.examples.shape == [3, 1, 2, 5] && dataset.labels == [2, 0, 1]
                && dataset.classCount == 3)
        #expect(dataset.examples.scalars[1] == Float(8) / 255)
        try writeFile(
            IDXFile.encode([2, 0], dimensions: [2], elementType: .unsignedByte),
            to: root + "/emnist-digits-train-labels-idx1-ubyte")
        #expect(
            throws: DataError.mismatch(
                path: root + "/emnist-digits-train-labels-idx1-ubyte",
                detail: "2 labels for 3 images in emnist-digits-train-images-idx3-ubyte.gz")
        ) {
            try IDXDataset.load(folder: root, split: .train)
        }
        #expect(throws: DataError.self) { try IDXDataset.load(folder: root, split: .test) }
    }

    @Test(arguments: [IDXFile.ElementType.float, .double])
    func nonFiniteValuesNameTheFileAndElement(type: IDXFile.ElementType) throws {
        let root = try TemporaryFolder.create("idx-nan")
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (bad, shown) in [(Double.nan, "nan"), (-.infinity, "-inf"), (1e300, "inf")]
        where type == .double || bad != 1e300 {
            var values = (0..<8).map(Double.init)
            values[6] = bad
            try writeTrainingFiles(in: root, values: values, dimensions: [2, 2, 2], type: type)
            #expect(
                throws: DataError.corrupt(
                    path: root + "/train-images-idx3-ubyte",
                    detail: "element 6 (example 1) is \(shown) as Float32; values must be finite")
            ) {
                try DataSource(parsing: "idx:" + root).load()
            }
        }
        try writeTrainingFiles(
            in: root, values: [-2, 0.5, 3, 1], dimensions: [1, 2, 2], type: type)
        #expect(try IDXDataset.load(folder: root, split: .train).valueRange == -2...3)
    }

    @Test func emptyImageFilesAreRefused() throws {
        let root = try TemporaryFolder.create("idx-empty")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/train-images-idx3-ubyte"
        try writeTrainingFiles(
            in: root, values: [], dimensions: [0, 28, 28], type: .unsignedByte, labels: [])
        #expect(throws: DataError.corrupt(path: path, detail: "no images (dimensions [0, 28, 28])"))
        {
            try IDXDataset.load(folder: root, split: .train)
        }
        try FileManager.default.removeItem(atPath: root + "/train-labels-idx1-ubyte")
        try writeTrainingFiles(in: root, values: [], dimensions: [3, 0, 28], type: .float)
        #expect(
            throws: DataError.corrupt(
                path: path, detail: "images of 0x28 pixels (dimensions [3, 0, 28])")
        ) {
            try IDXDataset.load(folder: root, split: .train)
        }
    }

    /// Writes training images (one black pixel each) and labels, and test files when given.
    private func writeLabelled(
        in folder: String, training: [Double], test: [Double]? = nil,
        type: IDXFile.ElementType = .unsignedByte
    ) throws {
        for (split, labels) in [("train", training), ("t10k", test)] {
            guard let labels else { continue }
            try writeFile(
                IDXFile.encode(
                    [Double](repeating: 0, count: labels.count), dimensions: [labels.count, 1, 1],
                    elementType: .unsignedByte),
                to: folder + "/\(split)-images-idx3-ubyte")
            try writeFile(
                IDXFile.encode(labels, dimensions: [labels.count], elementType: type),
                to: folder + "/\(split)-labels-idx1-ubyte")
        }
    }

    @Test func oneCorruptLabelDoesNotAddClasses() throws {
        let root = try TemporaryFolder.create("idx-labels")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeLabelled(in: root, training: [0, 1, 2, 200, 1])
        #expect(
            throws: DataError.corrupt(
                path: root + "/train-labels-idx1-ubyte",
                detail: "no example has label 3, but index 3 has label 200; labels must cover "
                    + "0..<classCount with every class present (label 0 may be unused)")
        ) {
            try IDXDataset.load(folder: root, split: .train)
        }
    }

    @Test func labelsMayStartAtOne() throws {
        let root = try TemporaryFolder.create("idx-letters")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeLabelled(in: root, training: [1, 2, 3, 1], test: [2, 2])
        let training = try IDXDataset.load(folder: root, split: .train)
        #expect(training.classCount == 4 && training.labelCounts == [0, 2, 1, 1])
        let test = try IDXDataset.load(folder: root, split: .test)
        #expect(test.classCount == 4 && test.labelCounts == [0, 0, 2, 0])
    }

    @Test func testLabelsMustBeTrainingClasses() throws {
        let root = try TemporaryFolder.create("idx-test-labels")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try writeLabelled(in: root, training: [0, 1, 2, 3], test: [2, 200, 1])
        #expect(
            throws: DataError.corrupt(
                path: root + "/t10k-labels-idx1-ubyte",
                detail: "label 200 at index 1 is not a class of the training labels (0..<4)")
        ) {
            try IDXDataset.load(folder: root, split: .test)
        }
    }

    @Test func labelsMustBeNonNegativeWholeNumbers() throws {
        let root = try TemporaryFolder.create("idx-label-values")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/train-labels-idx1-ubyte"
        try writeLabelled(in: root, training: [0, -1, 1], type: .signedByte)
        #expect(throws: DataError.corrupt(path: path, detail: "label -1 at index 1 is negative")) {
            try IDXDataset.load(folder: root, split: .train)
        }
        try writeLabelled(in: root, training: [0, 1, 1.5], type: .float)
        #expect(
            throws: DataError.corrupt(
                path: path, detail: "label 1.5 at index 2 is not a whole number")
        ) {
            try IDXDataset.load(folder: root, split: .train)
        }
        try writeLabelled(in: root, training: [0, 2e9, 1], type: .int)
        #expect(
            throws: DataError.corrupt(
                path: path,
                detail: "no example has label 2, but index 1 has label 2000000000; labels must "
                    + "cover 0..<classCount with every class present (label 0 may be unused)")
        ) {
            try IDXDataset.load(folder: root, split: .train)
        }
    }
}
