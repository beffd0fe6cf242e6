/// The MNIST handwritten digits (LeCun, Cortes, Burges; CC BY-SA 3.0), shipped in `Data/mnist`.
///
/// 60000 training and 10000 test images, `[count, 1, 28, 28]` in [0, 1], labels 0...9. The
/// gzipped files are checked against their published SHA-256 sums on load.
public enum MNIST {
    /// The number of training images.
    public static let trainingCount = 60_000
    /// The number of test images.
    public static let testCount = 10_000
    /// The size of the standard validation set: the last 10000 training images.
    public static let validationCount = 10_000

    /// The SHA-256 sums of the four files, as published with the dataset.
    public static let checksums: [String: String] = [
        "t10k-images-idx3-ubyte.gz":
            "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be",
        "t10k-labels-idx1-ubyte.gz":
            "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b",
        "train-images-idx3-ubyte.gz":
            "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971",
        "train-labels-idx1-ubyte.gz":
            "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203",
    ]

    /// Finds the MNIST folder (see `DataDirectory` for the search order).
    ///
    /// - Parameter dataDirectory: A directory from `--data-dir`, searched alone when given.
    /// - Throws: `DataError.notFound` listing the places searched.
    public static func locate(dataDirectory: String? = nil) throws -> String {
        try DataDirectory.locate(
            "mnist", containing: "train-labels-idx1-ubyte.gz", explicitDirectory: dataDirectory)
    }

    /// Loads one split of MNIST, verifying the files' checksums.
    ///
    /// - Parameters:
    ///   - split: `.train` (60000 images) or `.test` (10000); split off the standard validation
    ///     set with `split(validationCount: MNIST.validationCount)`.
    ///   - dataDirectory: A directory from `--data-dir`, searched alone when given.
    /// - Returns: Images `[count, 1, 28, 28]` in [0, 1] and labels 0...9.
    /// - Throws: `DataError` when the files are missing, corrupt or fail their checksums.
    public static func load(_ split: DataSplit, dataDirectory: String? = nil) throws -> Dataset {
        let folder = try locate(dataDirectory: dataDirectory)
        var dataset = try IDXDataset.load(
            folder: folder, split: split, name: "mnist-" + split.rawValue,
            expectedChecksums: checksums)
        dataset.classCount = 10
        dataset.classNames = (0...9).map(String.init)
        let expected = split == .train ? trainingCount : testCount
        guard dataset.count == expected, dataset.exampleShape == [1, 28, 28] else {
            throw DataError.mismatch(
                path: folder,
                detail: "MNIST \(split.rawValue) has \(dataset.count) images of shape "
                    + "\(dataset.exampleShape), expected \(expected) of [1, 28, 28]")
        }
        return dataset
    }
}
