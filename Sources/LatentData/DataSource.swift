import LatentTensor

/// Where a dataset comes from, as written on the command line (`--dataset <spec>`).
///
/// | Spec | Data |
/// |---|---|
/// | `mnist` | the shipped MNIST, `[N, 1, 28, 28]` |
/// | `idx:<folder>` | IDX files in a folder (Fashion-MNIST, KMNIST, EMNIST, ...) |
/// | `folder:<path>` | PNG images, sub-folders as classes |
/// | `toy:<name>[?k=v&...]` | a 2-D toy distribution, `[N, 2]` |
/// | `csv:<file>` | points, one per line |
public enum DataSource: Equatable, Sendable, CustomStringConvertible {
    /// The MNIST digits shipped in `Data/mnist`.
    case mnist
    /// A folder of IDX files.
    case idx(folder: String)
    /// A folder of PNG images.
    case folder(path: String)
    /// A 2-D toy distribution.
    case toy(ToyDistribution, specification: String)
    /// A CSV file of points.
    case csv(path: String)

    /// The accepted forms, for help texts and error messages.
    public static let validForms =
        "mnist, idx:<folder>, folder:<path>, toy:<name>[?key=value&...], csv:<file>"

    /// Parses a dataset specification.
    ///
    /// - Throws: `DataError.invalidSpecification` listing the valid forms.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts.first ?? ""
        let argument = parts.count > 1 ? parts[1] : ""
        switch kind {
        case "mnist" where parts.count == 1: self = .mnist
        case "idx" where !argument.isEmpty: self = .idx(folder: argument)
        case "folder" where !argument.isEmpty: self = .folder(path: argument)
        case "csv" where !argument.isEmpty: self = .csv(path: argument)
        case "toy" where !argument.isEmpty:
            self = .toy(try ToyDistribution(parsing: argument), specification: argument)
        default:
            throw DataError.invalidSpecification(text, detail: "valid forms: \(Self.validForms)")
        }
    }

    /// The specification string this source was parsed from.
    public var description: String {
        switch self {
        case .mnist: return "mnist"
        case .idx(let folder): return "idx:" + folder
        case .folder(let path): return "folder:" + path
        case .toy(_, let specification): return "toy:" + specification
        case .csv(let path): return "csv:" + path
        }
    }

    /// Loads the data.
    ///
    /// - Parameters:
    ///   - split: Training or test part. Toys draw the test part from a different seed; image
    ///     folders and CSV files have no test part and return the same data for both.
    ///   - dataDirectory: `--data-dir`, for MNIST.
    ///   - toyCount: How many points to draw for a toy.
    ///   - seed: The seed of the toy draws.
    /// - Throws: `DataError` when files are missing or invalid.
    public func load(
        _ split: DataSplit = .train, dataDirectory: String? = nil, toyCount: Int = 50_000,
        seed: UInt64 = 0
    ) throws -> Dataset {
        switch self {
        case .mnist:
            return try MNIST.load(split, dataDirectory: dataDirectory)
        case .idx(let folder):
            return try IDXDataset.load(folder: folder, split: split)
        case .folder(let path):
            return try ImageFolder.load(path)
        case .csv(let path):
            let points = try PointsCSV.load(path)
            return Dataset(
                name: description, examples: points,
                valueRange: try Dataset.finiteRange(of: points, path: path))
        case .toy(let toy, _):
            var generator = SplitMix64(seed: split == .train ? seed : seed ^ 0x7E57_7E57_7E57_7E57)
            let points = toy.sample(count: toyCount, using: &generator)
            // Parsed toys always give finite points; a toy built in code may not.
            if let (index, _) = Dataset.firstNonFinite(in: points) {
                throw DataError.invalidSpecification(
                    description, detail: "point \(index / 2) is not finite; lower the parameters")
            }
            return Dataset(
                name: description + "-" + split.rawValue, examples: points,
                valueRange: Dataset.observedRange(of: points))
        }
    }
}
