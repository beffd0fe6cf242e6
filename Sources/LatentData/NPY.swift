import Foundation
import LatentTensor

/// NumPy's `.npy` format: written as version 1.0, little-endian float32 (`'<f4'`), C order,
/// readable with `numpy.load`; read in versions 1 to 3 as float32, float64 or uint8.
public enum NPY {
    /// The `.npy` file of a tensor.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64
        // bytes and ended by a newline, as NumPy writes it.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + tensor.scalarCount * 4)
        tensor.withUnsafeScalars { values in
            for value in values {
                let bits = value.bitPattern.littleEndian
                bytes += [
                    UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF),
                    UInt8(bits >> 24),
                ]
            }
        }
        return bytes
    }

    /// The scalar types ``read(_:)`` accepts.
    public enum ScalarType: String, Sendable {
        case float32 = "<f4"
        case float64 = "<f8"
        case uint8 = "|u1"
    }

    /// Reads a `.npy` file (versions 1 to 3) of float32, float64 or uint8 scalars in C order as
    /// a float32 tensor, with the file's scalar type; uint8 values are kept as they are (0…255).
    ///
    /// - Throws: `DataError` naming the file: missing, not `.npy`, truncated, another dtype
    ///   (`'<i8'`, big-endian, objects), Fortran order, a malformed header, or a value that is
    ///   not finite as a Float32.
    public static func read(_ path: String) throws -> (tensor: Tensor, type: ScalarType) {
        try decode(readFile(path), path: path)
    }

    /// Decodes the bytes of a `.npy` file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (tensor: Tensor, type: ScalarType) {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw DataError.wrongMagic(path: path, detail: "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else {
            throw DataError.unsupported(path: path, detail: ".npy format version \(major).\(bytes[7])")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { throw DataError.truncated(path: path, detail: "header length cut off") }
        var headerLength = 0
        for index in 0..<lengthBytes { headerLength |= Int(bytes[8 + index]) << (8 * index) }
        let dataStart = 8 + lengthBytes + headerLength
        guard bytes.count >= dataStart else {
            throw DataError.truncated(path: path, detail: "header of \(headerLength) bytes, file of \(bytes.count)")
        }
        let header = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)
        // Header text as an error shows it: one line, at most 80 characters.
        func shownText(_ text: String) -> String {
            let printable = text.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars
                .map { $0.value < 0x20 || $0.value == 0x7F ? " " : String($0) }.joined()
            return printable.count > 80 ? String(printable.prefix(80)) + "…" : printable
        }
        let shown = shownText(header)
        func field(_ key: String) throws -> String {
            guard let keyRange = header.range(of: "'\(key)':") else {
                throw DataError.corrupt(path: path, detail: "header has no '\(key)': \(shown)")
            }
            let rest = header[keyRange.upperBound...].drop { $0 == " " }
            if rest.first == "(" {
                guard let close = rest.firstIndex(of: ")") else { throw DataError.corrupt(path: path, detail: "unclosed shape in header") }
                return String(rest[rest.startIndex...close])
            }
            return String(rest.prefix { $0 != "," && $0 != "}" }).trimmingCharacters(in: .whitespaces)
        }
        let descr = try field("descr").trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        let scalarSize: Int, type: ScalarType
        switch descr {
        case "<f4": (scalarSize, type) = (4, .float32)
        case "<f8": (scalarSize, type) = (8, .float64)
        case "|u1", "<u1", "u1": (scalarSize, type) = (1, .uint8)
        default:
            throw DataError.unsupported(path: path, detail: "dtype '\(shownText(descr))'; latent reads float32, float64 and uint8 arrays")
        }
        guard try field("fortran_order") == "False" else {
            throw DataError.unsupported(path: path, detail: "Fortran order; save the array with numpy.ascontiguousarray")
        }
        let shapeText = try field("shape").trimmingCharacters(in: CharacterSet(charactersIn: "()"))
        var shape: [Int] = []
        for part in shapeText.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let size = Int(part.trimmingCharacters(in: .whitespaces)), size >= 0 else {
                throw DataError.corrupt(path: path, detail: "shape (\(shownText(shapeText))) in header")
            }
            shape.append(size)
        }
        // Any product past Int.max / 8 is refused, even where a later 0 would bring it back.
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product < Int.max / 8 else {
                throw DataError.corrupt(path: path, detail: "shape \(shape) has more scalars than any file can hold")
            }
            count = product
        }
        guard bytes.count - dataStart >= count * scalarSize else {
            throw DataError.truncated(
                path: path, detail: "shape \(shape) needs \(count) scalars of \(scalarSize) bytes, the file holds \(bytes.count - dataStart) bytes")
        }
        var scalars = [Float](repeating: 0, count: count)
        try bytes.withUnsafeBytes { raw in
            let data = raw.baseAddress! + dataStart
            for index in 0..<count {
                let value: Float
                switch scalarSize {
                case 4: value = Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                case 8:
                    let double = Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
                    value = Float(double)
                default: value = Float(data.load(fromByteOffset: index, as: UInt8.self))
                }
                guard value.isFinite else {
                    throw DataError.corrupt(path: path, detail: "scalar \(index) is \(value), not a finite Float32")
                }
                scalars[index] = value
            }
        }
        return (Tensor(shape: shape, scalars: scalars), type)
    }

    /// Writes a tensor as a `.npy` file.
    ///
    /// - Throws: `DataError.cannotWrite` when the file cannot be written.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try writeFile(encode(tensor), to: path)
    }
}
