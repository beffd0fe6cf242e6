import Foundation
import LatentTensor

extension Safetensors {
    /// The file image: header length, JSON header (keys sorted, `__metadata__` first, padded
    /// with spaces to 8-byte alignment), then the data.
    ///
    /// Integer tensors (`I64`) come first in the data, then the `F32` tensors, each group sorted by
    /// name, so every entry starts aligned to its element size. The same contents always give the
    /// same bytes.
    ///
    /// - Precondition: names are non-empty, not `__metadata__`, and not used by both
    ///   ``tensors`` and ``integers``.
    public func serialized() -> [UInt8] {
        for name in integers.keys {
            precondition(
                tensors[name] == nil,
                "Safetensors: \(name) names both a float and an integer tensor")
        }
        for name in names {
            precondition(
                !name.isEmpty && name != "__metadata__",
                "Safetensors: invalid tensor name \"\(name)\"")
        }
        let integerNames = integers.keys.sorted()
        let tensorNames = tensors.keys.sorted()
        var entries: [String: String] = [:]
        var offset = 0
        for name in integerNames {
            let value = integers[name]!
            let end = offset + value.scalars.count * 8
            entries[name] = Self.entryJSON(
                dtype: "I64", shape: value.shape, begin: offset, end: end)
            offset = end
        }
        for name in tensorNames {
            let value = tensors[name]!
            let end = offset + value.scalarCount * 4
            entries[name] = Self.entryJSON(
                dtype: "F32", shape: value.shape, begin: offset, end: end)
            offset = end
        }
        var header = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map {
                JSONText.quoted($0) + ":" + JSONText.quoted(metadata[$0]!)
            }
            members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        members += entries.keys.sorted().map { JSONText.quoted($0) + ":" + entries[$0]! }
        header += members.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes += $0 }
        bytes += headerBytes
        for name in integerNames {
            for scalar in integers[name]!.scalars {
                withUnsafeBytes(of: scalar.littleEndian) { bytes += $0 }
            }
        }
        for name in tensorNames {
            tensors[name]!.withUnsafeScalars { scalars in
                #if _endian(little)
                    bytes += UnsafeRawBufferPointer(scalars)
                #else
                    for scalar in scalars {
                        withUnsafeBytes(of: scalar.bitPattern.littleEndian) { bytes += $0 }
                    }
                #endif
            }
        }
        return bytes
    }

    /// Writes the file atomically: a temporary file `<file>.tmp-<pid>` beside it, then a rename.
    ///
    /// - Throws: ``CheckpointError/Problem/unwritable(reason:)`` if the folder cannot be written;
    ///   neither a partial file nor the temporary file is left behind, and an existing file at
    ///   `url` is unchanged.
    public func write(to url: URL) throws(CheckpointError) {
        try FileBytes.writeAtomically(serialized(), to: url)
    }

    private static func entryJSON(dtype: String, shape: [Int], begin: Int, end: Int) -> String {
        let dimensions = shape.map(String.init).joined(separator: ",")
        return
            "{\"dtype\":\"\(dtype)\",\"shape\":[\(dimensions)],\"data_offsets\":[\(begin),\(end)]}"
    }
}
