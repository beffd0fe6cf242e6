import Foundation
import LatentTensor

/// The element types of safetensors entries that Latent reads.
enum SafetensorsDType: String, CaseIterable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u8 = "U8"
    case bool = "BOOL"

    var byteCount: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }

    var isFloatingPoint: Bool { [.f64, .f32, .f16, .bf16].contains(self) }
}

/// Checks the header of a safetensors image and converts its entries.
struct SafetensorsReader {
    let bytes: UnsafeRawBufferPointer
    let file: String

    func fail(_ problem: CheckpointError.Problem) -> CheckpointError {
        CheckpointError(file: file, problem: problem)
    }

    func read() throws(CheckpointError) -> Safetensors {
        guard bytes.count >= 8 else { throw fail(.truncated(needed: 8, actual: bytes.count)) }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail(.headerLengthBeyondFile(headerLength: headerLength, fileSize: bytes.count))
        }
        let dataStart = 8 + Int(headerLength)
        let header = try parseHeader(UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]))
        let data = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        var result = Safetensors()
        for (name, value) in header.sorted(by: { $0.key < $1.key }) {
            if name == "__metadata__" {
                result.metadata = try parseMetadata(value)
                continue
            }
            let entry = try parseEntry(name: name, value, dataSize: data.count)
            let slice = UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end])
            if entry.dtype.isFloatingPoint {
                result.tensors[name] = Self.floatTensor(
                    slice, dtype: entry.dtype, shape: entry.shape)
            } else {
                result.integers[name] = Self.integerTensor(
                    slice, dtype: entry.dtype, shape: entry.shape)
            }
        }
        return result
    }

    func parseHeader(_ header: UnsafeRawBufferPointer) throws(CheckpointError) -> [String: Any] {
        guard header.first == UInt8(ascii: "{") else {
            throw fail(.notSafetensors(reason: "the header does not start with '{'"))
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(header), options: [])
        } catch {
            throw fail(.badHeader(reason: "the header is not valid JSON"))
        }
        guard let dictionary = object as? [String: Any] else {
            throw fail(.badHeader(reason: "the header is not a JSON object"))
        }
        return dictionary
    }

    func parseMetadata(_ value: Any) throws(CheckpointError) -> [String: String] {
        guard let dictionary = value as? [String: Any] else {
            throw fail(.badHeader(reason: "__metadata__ is not an object"))
        }
        var metadata: [String: String] = [:]
        for (key, item) in dictionary {
            guard let string = item as? String else {
                throw fail(.badHeader(reason: "__metadata__ value for \(key) is not a string"))
            }
            metadata[key] = string
        }
        return metadata
    }

    struct Entry {
        let dtype: SafetensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    func parseEntry(name: String, _ value: Any, dataSize: Int) throws(CheckpointError) -> Entry {
        guard let fields = value as? [String: Any] else {
            throw fail(.badHeader(reason: "entry \(name) is not an object"))
        }
        guard let dtypeName = fields["dtype"] as? String else {
            throw fail(.badHeader(reason: "entry \(name) has no dtype string"))
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw fail(.unknownDtype(tensor: name, dtype: dtypeName))
        }
        guard let shape = Self.integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail(.badHeader(reason: "entry \(name) has no shape of non-negative integers"))
        }
        guard let offsets = Self.integers(fields["data_offsets"]), offsets.count == 2 else {
            throw fail(.badHeader(reason: "entry \(name) has no data_offsets pair"))
        }
        let (begin, end) = (offsets[0], offsets[1])
        var byteCount = dtype.byteCount
        for dimension in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw fail(
                    .offsetsOutOfRange(tensor: name, begin: begin, end: end, dataSize: dataSize))
            }
            byteCount = product
        }
        guard begin >= 0, begin <= end, end - begin == byteCount else {
            throw fail(.offsetsOutOfRange(tensor: name, begin: begin, end: end, dataSize: dataSize))
        }
        guard end <= dataSize else {
            throw fail(.truncated(needed: bytes.count - dataSize + end, actual: bytes.count))
        }
        return Entry(dtype: dtype, shape: shape, begin: begin, end: end)
    }

    static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in array {
            // Fractions bridge to NSNumber too; accept only exact integers.
            guard let number = item as? NSNumber, let integer = Int(exactly: number.doubleValue)
            else { return nil }
            result.append(integer)
        }
        return result
    }

    static func floatTensor(
        _ raw: UnsafeRawBufferPointer, dtype: SafetensorsDType, shape: [Int]
    ) -> Tensor {
        Tensor(shape: shape) { out in
            switch dtype {
            case .f32:
                #if _endian(little)
                    if let source = raw.baseAddress, !out.isEmpty {
                        UnsafeMutableRawPointer(out.baseAddress!).copyMemory(
                            from: source, byteCount: raw.count)
                    }
                #else
                    for index in out.indices {
                        out[index] = Float(bitPattern: load(raw, index, as: UInt32.self))
                    }
                #endif
            case .f64:
                for index in out.indices {
                    out[index] = Float(Double(bitPattern: load(raw, index, as: UInt64.self)))
                }
            case .f16:
                for index in out.indices {
                    out[index] = HalfPrecision.float(fromBits: load(raw, index, as: UInt16.self))
                }
            case .bf16:
                for index in out.indices {
                    out[index] = Float(bitPattern: UInt32(load(raw, index, as: UInt16.self)) << 16)
                }
            default: preconditionFailure("floatTensor: \(dtype) is not floating-point")
            }
        }
    }

    /// The `index`-th little-endian element of `raw`.
    static func load<T: FixedWidthInteger>(
        _ raw: UnsafeRawBufferPointer, _ index: Int, as type: T.Type
    ) -> T {
        T(littleEndian: raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
    }

    static func integerTensor(
        _ raw: UnsafeRawBufferPointer, dtype: SafetensorsDType, shape: [Int]
    ) -> IntegerTensor {
        let count = shape.elementCount
        let scalars: [Int64]
        switch dtype {
        case .i64: scalars = (0..<count).map { load(raw, $0, as: Int64.self) }
        case .i32: scalars = (0..<count).map { Int64(load(raw, $0, as: Int32.self)) }
        case .i16: scalars = (0..<count).map { Int64(load(raw, $0, as: Int16.self)) }
        case .i8: scalars = (0..<count).map { Int64(load(raw, $0, as: Int8.self)) }
        case .u8, .bool: scalars = (0..<count).map { Int64(raw[$0]) }
        default: preconditionFailure("integerTensor: \(dtype) is not an integer type")
        }
        return IntegerTensor(shape: shape, scalars: scalars)
    }
}

/// IEEE 754 half precision to single, by bits (Float16 is missing on some platforms).
enum HalfPrecision {
    static func float(fromBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2⁻²⁴.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }
}
