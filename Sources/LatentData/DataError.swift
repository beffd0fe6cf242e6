/// A problem with a data file or a dataset specification, reported to the user in one line.
///
/// Every case names the file (or the specification string) it is about, so that the
/// command-line tool can print `description` and stop.
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist or cannot be read.
    case missingFile(path: String)
    /// A required dataset folder could not be found; `searched` lists the places tried, `hint`
    /// says how to point Latent at it.
    case notFound(what: String, searched: [String], hint: String? = nil)
    /// The file ends before the data its header announces.
    case truncated(path: String, detail: String)
    /// The file's contents do not follow its format.
    case corrupt(path: String, detail: String)
    /// The file does not start with the magic number of its format.
    case wrongMagic(path: String, detail: String)
    /// The gzip or zlib stream inside the file cannot be decompressed.
    case badCompressedStream(path: String, detail: String)
    /// The file's SHA-256 differs from the published checksum.
    case checksumMismatch(path: String, expected: String, actual: String)
    /// Two files that must describe the same examples disagree (counts, sizes).
    case mismatch(path: String, detail: String)
    /// The file is valid but uses a feature this reader does not support.
    case unsupported(path: String, detail: String)
    /// An output file cannot be written.
    case cannotWrite(path: String, detail: String)
    /// A dataset specification string (`mnist`, `toy:ring8`, ...) cannot be parsed.
    case invalidSpecification(String, detail: String)
    /// A requested output (an image grid, a draw of points) would not fit in memory.
    case tooLarge(what: String, detail: String)

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "\(path): no such file or it cannot be read"
        case .notFound(let what, let searched, let hint):
            return "\(what) not found; searched: \(searched.joined(separator: ", "))" + (hint.map { "; \($0)" } ?? "")
        case .truncated(let path, let detail):
            return "\(path): truncated file: \(detail)"
        case .corrupt(let path, let detail):
            return "\(path): corrupt file: \(detail)"
        case .wrongMagic(let path, let detail):
            return "\(path): wrong magic number: \(detail)"
        case .badCompressedStream(let path, let detail):
            return "\(path): bad compressed stream: \(detail)"
        case .checksumMismatch(let path, let expected, let actual):
            return "\(path): SHA-256 mismatch: expected \(expected), found \(actual)"
        case .mismatch(let path, let detail):
            return "\(path): \(detail)"
        case .unsupported(let path, let detail):
            return "\(path): unsupported: \(detail)"
        case .cannotWrite(let path, let detail):
            return "\(path): cannot write: \(detail)"
        case .invalidSpecification(let text, let detail):
            return "invalid dataset '\(text)': \(detail)"
        case .tooLarge(let what, let detail):
            return "\(what) too large: \(detail)"
        }
    }
}
