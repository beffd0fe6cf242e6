import Foundation

/// A file in the IDX format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST).
///
/// The format is a 4-byte magic number `00 00 tt dd` (element type `tt`, dimension count `dd`),
/// `dd` big-endian 32-bit sizes, then the elements, big-endian, in C order. Files may be gzipped.
public struct IDXFile: Sendable {
    /// The element types the format defines.
    public enum ElementType: UInt8, CaseIterable, Sendable {
        /// Unsigned 8-bit integers (`0x08`), the type of MNIST images and labels.
        case unsignedByte = 0x08
        /// Signed 8-bit integers (`0x09`).
        case signedByte = 0x09
        /// Signed 16-bit integers (`0x0B`).
        case short = 0x0B
        /// Signed 32-bit integers (`0x0C`).
        case int = 0x0C
        /// 32-bit IEEE floats (`0x0D`).
        case float = 0x0D
        /// 64-bit IEEE floats (`0x0E`).
        case double = 0x0E

        /// The size of one element in bytes.
        public var byteCount: Int {
            switch self {
            case .unsignedByte, .signedByte: return 1
            case .short: return 2
            case .int, .float: return 4
            case .double: return 8
            }
        }
    }

    /// The type of the elements.
    public let elementType: ElementType
    /// The sizes of the dimensions, outermost first (`[60000, 28, 28]` for MNIST images).
    public let dimensions: [Int]
    /// The decompressed file: header, then elements.
    private let bytes: [UInt8]
    /// Where the elements start in `bytes`.
    private let dataOffset: Int

    /// The number of elements, the product of `dimensions`.
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Parses IDX data, gunzipping it first when it starts with the gzip magic number.
    ///
    /// - Parameters:
    ///   - data: The file contents, gzipped or raw.
    ///   - path: The file name, for error messages.
    /// - Throws: `DataError` when the data is truncated, corrupt or has the wrong magic number.
    public init(parsing data: [UInt8], path: String) throws {
        let bytes = Zlib.isGzip(data) ? try Zlib.decompress(data, path: path) : data
        guard bytes.count >= 4 else {
            throw DataError.truncated(path: path, detail: "\(bytes.count) bytes, no IDX header")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError.wrongMagic(
                path: path, detail: "starts with \(hex(bytes[0..<4])), expected 00 00 tt dd")
        }
        guard let type = ElementType(rawValue: bytes[2]) else {
            throw DataError.wrongMagic(
                path: path, detail: "unknown IDX element type 0x\(hex(bytes[2..<3]))")
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else {
            throw DataError.wrongMagic(path: path, detail: "IDX file with 0 dimensions")
        }
        let offset = 4 + 4 * rank
        guard bytes.count >= offset else {
            throw DataError.truncated(path: path, detail: "header announces \(rank) dimensions")
        }
        var dimensions: [Int] = []
        var count = 1
        for axis in 0..<rank {
            let size = Int(readUInt32(bytes, at: 4 + 4 * axis))
            dimensions.append(size)
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(Int32.max) * 8 else {
                throw DataError.corrupt(
                    path: path, detail: "dimensions \(dimensions) are too large")
            }
            count = product
        }
        let expected = offset + count * type.byteCount
        guard bytes.count >= expected else {
            throw DataError.truncated(
                path: path,
                detail: "dimensions \(dimensions) need \(expected) bytes, found \(bytes.count)")
        }
        guard bytes.count == expected else {
            throw DataError.corrupt(
                path: path,
                detail: "\(bytes.count - expected) bytes after the \(dimensions) elements")
        }
        self.elementType = type
        self.dimensions = dimensions
        self.bytes = bytes
        self.dataOffset = offset
    }

    /// Reads and parses an IDX file, gzipped or raw.
    ///
    /// - Throws: `DataError` when the file is missing, truncated or corrupt.
    public init(contentsOf path: String) throws {
        try self.init(parsing: try readFile(path), path: path)
    }

    /// Calls `body` with each element converted to `Double`, in C order.
    private func forEachValue(_ body: (Int, Double) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress! + dataOffset
            for index in 0..<elementCount {
                let p = base + index * elementType.byteCount
                let value: Double
                switch elementType {
                case .unsignedByte: value = Double(p[0])
                case .signedByte: value = Double(Int8(bitPattern: p[0]))
                case .short: value = Double(Int16(bitPattern: UInt16(p[0]) << 8 | UInt16(p[1])))
                case .int: value = Double(Int32(bitPattern: loadUInt32(p)))
                case .float: value = Double(Float(bitPattern: loadUInt32(p)))
                case .double:
                    value = Double(
                        bitPattern: UInt64(loadUInt32(p)) << 32 | UInt64(loadUInt32(p + 4)))
                }
                body(index, value)
            }
        }
    }

    /// The elements as `Double`s in C order.
    public func doubleValues() -> [Double] {
        var values = [Double](repeating: 0, count: elementCount)
        forEachValue { values[$0] = $1 }
        return values
    }

    /// The elements as integers in C order (floating-point elements are truncated).
    public func integerValues() -> [Int] {
        var values = [Int](repeating: 0, count: elementCount)
        forEachValue { index, value in
            values[index] = value.isFinite ? Int(max(min(value, 9e18), -9e18)) : 0
        }
        return values
    }

    /// Writes the elements as `Float` into `destination`: unsigned bytes divided by 255 (so
    /// MNIST lands in [0, 1]), every other type as stored.
    ///
    /// - Precondition: `destination.count == elementCount`.
    public func writeFloats(into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(
            destination.count == elementCount,
            "destination holds \(destination.count) floats, the file \(elementCount)")
        if elementType == .unsignedByte {
            bytes.withUnsafeBufferPointer { buffer in
                let source = buffer.baseAddress! + dataOffset
                // Division, not multiplication by 1/255: k/255 then rounds correctly (51 → 0.2).
                for index in 0..<destination.count {
                    destination[index] = Float(source[index]) / 255
                }
            }
        } else {
            forEachValue { destination[$0] = Float($1) }
        }
    }

    /// Encodes values as an IDX file (raw, not gzipped); integer types truncate and clamp.
    ///
    /// - Precondition: `values.count` equals the product of `dimensions`.
    public static func encode(
        _ values: [Double], dimensions: [Int], elementType: ElementType
    ) -> [UInt8] {
        precondition(
            values.count == dimensions.reduce(1, *),
            "\(values.count) values for dimensions \(dimensions)")
        var out: [UInt8] = [0, 0, elementType.rawValue, UInt8(dimensions.count)]
        for size in dimensions { appendUInt32(UInt32(size), to: &out) }
        out.reserveCapacity(out.count + values.count * elementType.byteCount)
        for value in values {
            func clamped(_ low: Double, _ high: Double) -> Double { min(max(value, low), high) }
            switch elementType {
            case .unsignedByte: out.append(UInt8(clamped(0, 255)))
            case .signedByte: out.append(UInt8(bitPattern: Int8(clamped(-128, 127))))
            case .short:
                let bits = UInt16(bitPattern: Int16(clamped(-32768, 32767)))
                out += [UInt8(bits >> 8), UInt8(bits & 0xFF)]
            case .int:
                appendUInt32(
                    UInt32(bitPattern: Int32(clamped(-2_147_483_648, 2_147_483_647))), to: &out)
            case .float: appendUInt32(Float(value).bitPattern, to: &out)
            case .double:
                appendUInt32(UInt32(value.bitPattern >> 32), to: &out)
                appendUInt32(UInt32(value.bitPattern & 0xFFFF_FFFF), to: &out)
            }
        }
        return out
    }
}

// MARK: - Byte helpers

@inline(__always)
private func loadUInt32(_ p: UnsafePointer<UInt8>) -> UInt32 {
    UInt32(p[0]) << 24 | UInt32(p[1]) << 16 | UInt32(p[2]) << 8 | UInt32(p[3])
}

func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
        | UInt32(bytes[offset + 3])
}

func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
    out += [
        UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
        UInt8(value & 0xFF),
    ]
}

func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map {
        String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
    }
    .joined(separator: " ")
}
