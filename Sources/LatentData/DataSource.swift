import LatentTensor

/// Where a dataset comes from, as written on the command line (`--dataset <spec>`).
///
/// | Spec | Data |
/// |---|---|
/// | `mnist` | the shipped MNIST, `[N, 1, 28, 28]` |
/// | `idx:<folder>` | IDX files in a folder (Fashion-MNIST, KMNIST, EMNIST, ...) |
/// | `folder:<path>[?test=f]` | PNG images, sub-folders as classes |
/// | `toy:<name>[?k=v&...]` | a 2-D toy distribution, `[N, 2]` |
/// | `csv:<file>[?test=f]` | points, one per line |
///
/// Image folders and CSV files have no test split of their own: a fraction `f` of the examples
/// (10% by default) is held out as the test split, chosen with a fixed seed. An image folder
/// whose only sub-folders are `train/` and `test/` uses those instead.
public enum DataSource: Equatable, Sendable, CustomStringConvertible {
    /// The MNIST digits shipped in `Data/mnist`.
    case mnist
    /// A folder of IDX files.
    case idx(folder: String)
    /// A folder of PNG images; `testFraction` is the held-out fraction (`nil`: the default, or
    /// the folder's `train/` and `test/` sub-folders).
    case folder(path: String, testFraction: Double? = nil)
    /// A 2-D toy distribution.
    case toy(ToyDistribution, specification: String)
    /// A CSV file of points; `testFraction` is the held-out fraction (`nil`: the default).
    case csv(path: String, testFraction: Double? = nil)

    /// The accepted forms, for help texts and error messages.
    public static let validForms =
        "mnist, idx:<folder>, folder:<path>[?test=f], toy:<name>[?key=value&...], "
        + "csv:<file>[?test=f]"

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
        case "folder" where !argument.isEmpty:
            let (path, fraction) = try Self.pathAndTestFraction(argument, kind: kind, text: text)
            self = .folder(path: path, testFraction: fraction)
        case "csv" where !argument.isEmpty:
            let (path, fraction) = try Self.pathAndTestFraction(argument, kind: kind, text: text)
            self = .csv(path: path, testFraction: fraction)
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
        case .folder(let path, let fraction): return "folder:" + Self.withQuery(path, fraction)
        case .toy(_, let specification): return "toy:" + specification
        case .csv(let path, let fraction): return "csv:" + Self.withQuery(path, fraction)
        }
    }

    /// Splits `path?test=f` (the last `?` starts the parameters).
    private static func pathAndTestFraction(_ argument: String, kind: String, text: String) throws
        -> (path: String, testFraction: Double?)
    {
        let (path, query) = SpecificationParameters.splitQuery(argument)
        var parameters = try SpecificationParameters(parsing: query, specification: text)
        guard !path.isEmpty else {
            throw DataError.invalidSpecification(text, detail: "valid forms: \(validForms)")
        }
        let fraction =
            parameters.contains("test")
            ? try parameters.number(
                "test", HeldOutSplit.defaultFraction, in: 0...HeldOutSplit.maximumFraction)
            : nil
        try parameters.rejectUnknownKeys(for: kind)
        return (path, fraction)
    }

    /// `path?test=f`, or `path` alone (with a closing `?` when it contains one).
    private static func withQuery(_ path: String, _ fraction: Double?) -> String {
        if let fraction {
            let text = fraction == fraction.rounded() ? String(Int(fraction)) : "\(fraction)"
            return path + "?test=" + text
        }
        return path.contains("?") ? path + "?" : path
    }

    /// Loads the data.
    ///
    /// - Parameters:
    ///   - split: Training or test part. Toys draw the test part from a different seed; image
    ///     folders and CSV files hold a fixed fraction out as their test part (or use the
    ///     folder's `train/` and `test/` sub-folders).
    ///   - dataDirectory: `--data-dir`, for MNIST.
    ///   - toyCount: How many points to draw for a toy.
    ///   - seed: The seed of the toy draws.
    /// - Throws: `DataError` when files are missing or invalid, or the test split of a folder or
    ///   CSV file is empty (`test=0`, or too few examples).
    public func load(
        _ split: DataSplit = .train, dataDirectory: String? = nil, toyCount: Int = 50_000,
        seed: UInt64 = 0
    ) throws -> Dataset {
        switch self {
        case .mnist:
            return try MNIST.load(split, dataDirectory: dataDirectory)
        case .idx(let folder):
            return try IDXDataset.load(folder: folder, split: split)
        case .folder, .csv:
            let splits = try ownSplits()
            switch split {
            case .train: return splits.train
            case .test: return try splits.test.get()
            }
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
