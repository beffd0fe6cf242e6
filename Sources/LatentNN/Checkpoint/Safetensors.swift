import Foundation
import LatentTensor

/// The contents of a safetensors file: named tensors, named integer tensors and string metadata.
///
/// The format (<https://github.com/huggingface/safetensors>): an 8-byte little-endian header
/// length `N`, `N` bytes of a JSON object
/// `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"key": "value"}}` padded with spaces so the data starts 8-byte aligned, then
/// the raw little-endian data, offsets counted from its start. Floating-point entries (`F32`, and
/// `F64`, `F16`, `BF16` converted on reading) become ``tensors``; integer entries (`I64`, and
/// `I32`, `I16`, `I8`, `U8`, `BOOL` widened on reading) become ``integers``. Latent writes `F32`
/// and `I64`.
public struct Safetensors: Sendable {
    /// Floating-point tensors by name.
    public var tensors: [String: Tensor]
    /// Integer tensors (step counters) by name.
    public var integers: [String: IntegerTensor]
    /// The `__metadata__` strings.
    public var metadata: [String: String]

    /// Creates contents from tensors, integer tensors and metadata.
    public init(
        tensors: [String: Tensor] = [:], integers: [String: IntegerTensor] = [:],
        metadata: [String: String] = [:]
    ) {
        self.tensors = tensors
        self.integers = integers
        self.metadata = metadata
    }

    /// Reads and checks a safetensors file.
    ///
    /// - Throws: ``CheckpointError`` naming the file: unreadable, truncated, a header length beyond
    ///   the file, bad JSON, an unknown dtype, offsets out of range.
    public init(contentsOf url: URL) throws(CheckpointError) {
        let bytes = try FileBytes.contents(of: url)
        try self.init(parsing: bytes, file: url.path)
    }

    /// Parses the bytes of a safetensors file; `file` names it in errors.
    ///
    /// - Throws: ``CheckpointError`` as ``init(contentsOf:)`` does.
    public init(parsing bytes: [UInt8], file: String = "<memory>") throws(CheckpointError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(CheckpointError) in
                try SafetensorsReader(bytes: raw, file: file).read()
            }
        }
        self = try result.get()
    }

    /// Every name, floating-point and integer, sorted.
    public var names: [String] { (Array(tensors.keys) + Array(integers.keys)).sorted() }
}
