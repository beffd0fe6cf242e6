/// A checkpoint file that cannot be read, written or applied, with the file and the problem.
///
/// The description is one line, `<file>: <problem>`, fit to print as a command's error message.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file concerned (as the caller named it), or a label such as `optimizer state`.
    public var file: String
    /// What is wrong.
    public var problem: Problem

    /// Creates an error about `file`.
    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// What is wrong with a checkpoint file.
    public enum Problem: Equatable, Sendable {
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// The file could not be written (nothing was replaced).
        case unwritable(reason: String)
        /// The file ends before the data it announces (`needed` bytes, `actual` present).
        case truncated(needed: Int, actual: Int)
        /// The 8-byte header length points past the end of the file.
        case headerLengthBeyondFile(headerLength: UInt64, fileSize: Int)
        /// The header is not the JSON object safetensors requires.
        case badHeader(reason: String)
        /// The file does not look like safetensors at all.
        case notSafetensors(reason: String)
        /// A tensor uses an element type Latent cannot read.
        case unknownDtype(tensor: String, dtype: String)
        /// A tensor's byte range lies outside the data or disagrees with its shape.
        case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataSize: Int)
        /// The file's tensors do not match what they are loaded into; every difference is listed.
        case mismatch([Mismatch])
        /// Two files of one checkpoint come from different moments of a run.
        case inconsistent(reason: String)
        /// A tensor holds `count` NaN or infinite values: a diverged run's weights or optimiser
        /// state, which are neither saved nor loaded.
        case nonFinite(tensor: String, count: Int)
    }

    /// One difference between a checkpoint and the model or optimiser it is loaded into.
    public enum Mismatch: Equatable, Sendable, CustomStringConvertible {
        /// The model expects this name; the file lacks it.
        case missing(String)
        /// The file holds this name; the model has no such tensor.
        case unexpected(String)
        /// Both have the name, with different shapes.
        case shape(name: String, expected: [Int], found: [Int])
        /// Both have the name, with different element types (`F32`, `I64`).
        case dtype(name: String, expected: String, found: String)

        /// The name concerned.
        public var name: String {
            switch self {
            case .missing(let name), .unexpected(let name): name
            case .shape(let name, _, _), .dtype(let name, _, _): name
            }
        }

        /// A short phrase such as `missing encoder.fc1.weight`.
        public var description: String {
            switch self {
            case .missing(let name): "missing \(name)"
            case .unexpected(let name): "unexpected \(name)"
            case .shape(let name, let expected, let found):
                "\(name) has shape \(found) in the file, \(expected) in the model"
            case .dtype(let name, let expected, let found):
                "\(name) is \(found) in the file, \(expected) expected"
            }
        }
    }

    /// `<file>: <problem>` on one line.
    public var description: String {
        let text: String
        switch problem {
        case .unreadable(let reason): text = "cannot read the file (\(reason))"
        case .unwritable(let reason):
            text = "cannot write the file, nothing was replaced (\(reason))"
        case .truncated(let needed, let actual):
            text = "truncated: the file needs \(needed) bytes but holds \(actual)"
        case .headerLengthBeyondFile(let length, let size):
            text =
                "not a safetensors file or truncated: header length \(length) goes beyond the "
                + "file's \(size) bytes"
        case .badHeader(let reason): text = "bad safetensors header: \(reason)"
        case .notSafetensors(let reason): text = "not a safetensors file: \(reason)"
        case .unknownDtype(let tensor, let dtype):
            text = "tensor \(tensor) has element type \(dtype), which Latent cannot read"
        case .offsetsOutOfRange(let tensor, let begin, let end, let size):
            text =
                "tensor \(tensor) has data offsets [\(begin), \(end)] that do not fit its shape "
                + "within the \(size) data bytes"
        case .mismatch(let mismatches):
            let plural = mismatches.count == 1 ? "" : "s"
            text =
                "does not match (\(mismatches.count) difference\(plural)): "
                + mismatches.map(\.description).joined(separator: "; ")
        case .inconsistent(let reason): text = "inconsistent checkpoint: \(reason)"
        case .nonFinite(let tensor, let count):
            let values = count == 1 ? "value" : "values"
            text = "tensor \(tensor) holds \(count) non-finite \(values) (NaN or infinity)"
        }
        return "\(file): \(text)"
    }
}
