import Foundation
import Testing

@testable import LatentData

// MNIST is read once per test process (lazily, thread-safely).
private let mnistTrain = Result { try MNIST.load(.train) }
private let mnistTest = Result { try MNIST.load(.test) }

@Suite("MNIST")
struct MNISTTests {
    @Test func trainingSplitHasTheStandardCounts() throws {
        let train = try mnistTrain.get()
        #expect(train.examples.shape == [60_000, 1, 28, 28])
        #expect(train.labelCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(train.isChecksumVerified == true)
        #expect(train.classCount == 10)
        let (training, validation) = train.split(validationCount: MNIST.validationCount)
        #expect(training.count == 50_000 && validation.count == 10_000)
        #expect(validation.labels?.first == train.labels?[50_000])
    }

    @Test func testSplitHasTheStandardCounts() throws {
        let test = try mnistTest.get()
        #expect(test.examples.shape == [10_000, 1, 28, 28])
        #expect(test.labelCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }

    @Test func pixelsLieInTheUnitInterval() throws {
        let test = try mnistTest.get()
        let (low, high, mean) = test.examples.withUnsafeScalars { values in
            (values.min()!, values.max()!, values.reduce(0, +) / Float(values.count))
        }
        #expect(low == 0 && high == 1)
        // The mean MNIST test pixel is 0.1325.
        #expect(abs(mean - 0.1325) < 0.001)
    }

    @Test func checksumMismatchIsReported() throws {
        let folder = try MNIST.locate()
        let directory = FileManager.default.temporaryDirectory.path + "/latent-mnist-\(getpid())"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            var bytes = try readFile(folder + "/" + name)
            if name.contains("labels") { bytes[bytes.count - 9] ^= 1 }
            try writeFile(bytes, to: directory + "/" + name)
        }
        #expect(throws: DataError.self) {
            try IDXDataset.load(folder: directory, split: .test, expectedChecksums: MNIST.checksums)
        }
        do {
            _ = try IDXDataset.load(
                folder: directory, split: .test, expectedChecksums: MNIST.checksums)
        } catch {
            #expect("\(error)".contains("t10k-labels-idx1-ubyte.gz: SHA-256 mismatch"))
        }
    }

    @Test func explicitDirectoryIsSearchedAlone() {
        #expect(throws: DataError.self) { try MNIST.locate(dataDirectory: "/nonexistent") }
    }
}
