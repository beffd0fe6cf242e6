import Foundation
import LatentTensor
import Testing

@testable import LatentData

@Suite("IDXDataset")
struct IDXDatasetTests {
    /// A fresh temporary folder, removed by the caller.
    private func temporaryFolder(_ name: String) throws -> String {
        let path =
            FileManager.default.temporaryDirectory.path
            + "/latent-idx-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

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
            IDXFile.encode([4, 0, 9], dimensions: [3], elementType: .unsignedByte),
            to: root + "/emnist-digits-train-labels-idx1-ubyte")
        let dataset = try DataSource(parsing: "idx:" + root).load()
        #expect(
            dataset.examples.shape == [3, 1, 2, 5] && dataset.labels == [4, 0, 9]
                && dataset.classCount == 10)
        #expect(dataset.examples.scalars[1] == Float(8) / 255)
        try writeFile(
            IDXFile.encode([4, 0], dimensions: [2], elementType: .unsignedByte),
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
        let root = try temporaryFolder("nan")
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
        let root = try temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/train-images-idx3-ubyte"
        try writeTrainingFiles(
            in: root, values: [], dimensions: [0, 28, 28], type: .unsignedByte, labels: [])
        #expect(throws: DataError.corrupt(path: path, detail: "no images (dimensions [0, 28, 28])")) {
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
}
