import LatentTensor

/// NumPy's `.npy` format (version 1.0): a tensor as little-endian float32 (`'<f4'`), C order,
/// readable with `numpy.load`.
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

    /// Writes a tensor as a `.npy` file.
    ///
    /// - Throws: `DataError.cannotWrite` when the file cannot be written.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try writeFile(encode(tensor), to: path)
    }
}
