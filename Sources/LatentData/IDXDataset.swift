import Foundation
import LatentTensor

/// Loads an image dataset stored as IDX files in one folder (MNIST, Fashion-MNIST, KMNIST,
/// EMNIST), gzipped or not.
///
/// For the training split the folder must hold one file named `*train*images-idx3-ubyte` (for
/// example `train-images-idx3-ubyte.gz` or `emnist-digits-train-images-idx3-ubyte`), for the
/// test split one named `*t10k*images-idx3-ubyte` or `*test*images-idx3-ubyte`, each with an
/// optional `.gz`; labels come from the matching `labels-idx1-ubyte` file when there is one.
/// When the folder holds a `SHA256SUMS` file, the files it lists are verified.
public enum IDXDataset {
    /// Loads one split of the IDX dataset in `folder`.
    ///
    /// - Parameters:
    ///   - folder: The folder holding the IDX files.
    ///   - split: Which files to read.
    ///   - name: The dataset name, for logs (defaults to the folder's name).
    ///   - expectedChecksums: SHA-256 sums by file name that must match; when `nil`, a
    ///     `SHA256SUMS` file in the folder is used if present.
    /// - Returns: Images `[count, 1, height, width]` (unsigned bytes scaled to [0, 1]) and labels.
    /// - Throws: `DataError` for a missing, corrupt, truncated or mismatched file.
    public static func load(
        folder: String, split: DataSplit, name: String? = nil,
        expectedChecksums: [String: String]? = nil
    ) throws -> Dataset {
        let (imagesPath, labelsPath) = try files(in: folder, split: split)
        let checksums = try expectedChecksums ?? checksumFile(in: folder)
        let imageBytes = try readFile(imagesPath)
        let labelBytes = try labelsPath.map(readFile)
        var verified: Bool? = nil
        if let checksums {
            for (path, bytes) in [(imagesPath, imageBytes), (labelsPath, labelBytes)] {
                guard let path, let bytes else { continue }
                let fileName = (path as NSString).lastPathComponent
                guard let expected = checksums[fileName] else { continue }
                let actual = SHA256.hexDigest(bytes)
                guard actual == expected.lowercased() else {
                    throw DataError.checksumMismatch(path: path, expected: expected, actual: actual)
                }
                verified = true
            }
        }
        let images = try IDXFile(parsing: imageBytes, path: imagesPath)
        guard images.dimensions.count == 3 else {
            throw DataError.unsupported(
                path: imagesPath,
                detail: "images need dimensions [count, height, width], found \(images.dimensions)")
        }
        let count = images.dimensions[0]
        guard count > 0 else {
            throw DataError.corrupt(
                path: imagesPath, detail: "no images (dimensions \(images.dimensions))")
        }
        guard images.dimensions[1] > 0, images.dimensions[2] > 0 else {
            throw DataError.corrupt(
                path: imagesPath,
                detail: "images of \(images.dimensions[1])x\(images.dimensions[2]) pixels "
                    + "(dimensions \(images.dimensions))")
        }
        var labels: [Int]? = nil
        var classCount: Int? = nil
        if let labelsPath, let labelBytes {
            let values = try readLabels(labelBytes, path: labelsPath)
            guard values.count == count else {
                throw DataError.mismatch(
                    path: labelsPath,
                    detail: "\(values.count) labels for \(count) images in "
                        + (imagesPath as NSString).lastPathComponent)
            }
            // The training labels define the classes; a test split may lack some of them.
            let trainingLabelsPath =
                split == .train ? labelsPath : try? files(in: folder, split: .train).labels
            if let trainingLabelsPath, trainingLabelsPath != labelsPath {
                let training = try readLabels(
                    try readFile(trainingLabelsPath), path: trainingLabelsPath)
                let trainingClasses = try checkedClassCount(of: training, path: trainingLabelsPath)
                if let index = values.firstIndex(where: { $0 >= trainingClasses }) {
                    throw DataError.corrupt(
                        path: labelsPath,
                        detail: "label \(values[index]) at index \(index) is not a class of the "
                            + "training labels (0..<\(trainingClasses))")
                }
                classCount = trainingClasses
            } else {
                classCount = try checkedClassCount(of: values, path: labelsPath)
            }
            labels = values
        }
        let shape = [count, 1, images.dimensions[1], images.dimensions[2]]
        let tensor = Tensor(shape: shape) { images.writeFloats(into: $0) }
        var range: ClosedRange<Float> = 0...1
        if images.elementType != .unsignedByte {
            range = try Dataset.finiteRange(of: tensor, path: imagesPath)
        }
        return Dataset(
            name: name ?? (folder as NSString).lastPathComponent + "-" + split.rawValue,
            examples: tensor, labels: labels, classCount: classCount, valueRange: range,
            isChecksumVerified: verified)
    }

    /// The labels in an IDX labels file: one dimension, non-negative whole numbers.
    ///
    /// - Throws: `DataError` naming the file and the first bad label.
    static func readLabels(_ bytes: [UInt8], path: String) throws -> [Int] {
        let file = try IDXFile(parsing: bytes, path: path)
        guard file.dimensions.count == 1 else {
            throw DataError.corrupt(
                path: path, detail: "labels need one dimension, found \(file.dimensions)")
        }
        let values = file.doubleValues()
        for (index, value) in values.enumerated() {
            guard value >= 0 else {
                throw DataError.corrupt(
                    path: path, detail: "label \(format(value)) at index \(index) is negative")
            }
            guard value == value.rounded(), value <= Double(Int32.max) else {
                throw DataError.corrupt(
                    path: path,
                    detail: "label \(format(value)) at index \(index) is not a whole number")
            }
        }
        return values.map { Int($0) }
    }

    /// The class count of training labels: the largest label plus one, where every label from 1
    /// up to the largest occurs (label 0 may be unused, as in EMNIST Letters, labelled 1...26).
    ///
    /// A single corrupt label (200 among the digits) would otherwise add 191 empty classes.
    ///
    /// - Throws: `DataError.corrupt` naming the file, the first missing class and the first
    ///   example labelled above it.
    static func checkedClassCount(of labels: [Int], path: String) throws -> Int {
        let present = Set(labels)
        let largest = labels.max() ?? -1
        // The first gap lies within 1...labels.count, so this loop is short even for a huge label.
        var missing = 1
        while missing < largest, present.contains(missing) { missing += 1 }
        if missing < largest {
            let above = labels.filter { $0 > missing }.min()!
            let index = labels.firstIndex(of: above)!
            throw DataError.corrupt(
                path: path,
                detail: "no example has label \(missing), but index \(index) has label \(above); "
                    + "labels must cover 0..<classCount with every class present (label 0 may "
                    + "be unused)")
        }
        return largest + 1
    }

    /// A label for a message: `3`, `1.5`, `-1`.
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The image and label files of `split` in `folder`.
    ///
    /// - Throws: `DataError.notFound` when no images file matches, `.corrupt` when several do.
    public static func files(in folder: String, split: DataSplit) throws -> (
        images: String, labels: String?
    ) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw DataError.missingFile(path: folder)
        }
        let tokens = split == .train ? ["train"] : ["t10k", "test"]
        func matches(_ suffix: String) -> [String] {
            names.filter { name in
                let stem = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
                let normalised = stem.replacingOccurrences(of: ".idx", with: "-idx")
                return normalised.hasSuffix(suffix) && tokens.contains { stem.contains($0) }
            }.sorted()
        }
        let imageNames = matches("images-idx3-ubyte")
        guard let imageName = imageNames.first else {
            throw DataError.notFound(
                what: "\(split.rawValue) images (*\(tokens[0])*images-idx3-ubyte[.gz])",
                searched: [folder])
        }
        guard imageNames.count == 1 else {
            throw DataError.corrupt(
                path: folder, detail: "several \(split.rawValue) image files: \(imageNames)")
        }
        let labelNames = matches("labels-idx1-ubyte")
        let prefix = imageName.components(separatedBy: "images")[0]
        let labelName = labelNames.first { $0.hasPrefix(prefix) } ?? labelNames.first
        return (folder + "/" + imageName, labelName.map { folder + "/" + $0 })
    }

    /// The sums in `folder/SHA256SUMS` (`<hex>  <name>` lines), or `nil` without that file.
    static func checksumFile(in folder: String) throws -> [String: String]? {
        let path = folder + "/SHA256SUMS"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var sums: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2 else { continue }
            sums[String(fields[1].drop { $0 == "*" })] = String(fields[0])
        }
        return sums
    }
}
