import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TensorBoard event file (`events.out.tfevents.<time>.<host>`) in a run folder: the run's
/// scalars and sample grids, so `tensorboard --logdir runs` shows any number of runs side by
/// side, as PyTorch's `SummaryWriter` does.
///
/// The format is TensorFlow's: a sequence of TFRecords (length, masked CRC-32C of the length,
/// the bytes, masked CRC-32C of the bytes), each holding one `Event` protocol buffer — first
/// the file version `brain.Event:2`, then summaries of `simple_value` scalars and PNG images,
/// each with its step and wall time. Each event is flushed as it is written, so TensorBoard
/// shows a run while it trains; a resumed run starts a new file beside the old ones.
public final class TensorBoardEvents {
    /// The file written.
    public let url: URL
    private let handle: FileHandle

    /// Creates a new event file in `directory` and writes its version record.
    public init(directory: URL, wallTime: Double = Date().timeIntervalSince1970) throws {
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        var name = "events.out.tfevents.\(Int(wallTime)).\(host.isEmpty ? "localhost" : host)"
        var suffix = 1
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            suffix += 1
            name = "events.out.tfevents.\(Int(wallTime)).\(host.isEmpty ? "localhost" : host).\(suffix)"
        }
        url = directory.appendingPathComponent(name)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunError("\(url.path): cannot create it: \(FileErrorText.lastError)")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var event = ProtocolBuffer()
        event.double(1, wallTime)
        event.bytes(3, Array("brain.Event:2".utf8))
        write(event)
    }

    /// Appends one event with a scalar per tag at `step`.
    public func addScalars(_ values: [(tag: String, value: Float)], step: Int, wallTime: Double) {
        guard !values.isEmpty else { return }
        var summary = ProtocolBuffer()
        for (tag, value) in values {
            var entry = ProtocolBuffer()
            entry.bytes(1, Array(tag.utf8))
            entry.float(2, value)
            summary.message(1, entry)
        }
        write(event(step: step, wallTime: wallTime, summary: summary))
    }

    /// Appends one event with a PNG image under `tag` at `step`.
    ///
    /// - Parameters:
    ///   - png: the encoded PNG file.
    ///   - channels: 1 for grey, 3 for RGB, 4 for RGBA.
    public func addImage(
        tag: String, png: [UInt8], width: Int, height: Int, channels: Int, step: Int, wallTime: Double
    ) {
        var image = ProtocolBuffer()
        image.varint(1, UInt64(height))
        image.varint(2, UInt64(width))
        image.varint(3, UInt64(channels))
        image.bytes(4, png)
        var entry = ProtocolBuffer()
        entry.bytes(1, Array(tag.utf8))
        entry.message(4, image)
        var summary = ProtocolBuffer()
        summary.message(1, entry)
        write(event(step: step, wallTime: wallTime, summary: summary))
    }

    /// Appends a session start at `step`: TensorBoard then drops the points of earlier files
    /// from `step` on, which a session killed after its last checkpoint logged.
    public func addSessionStart(step: Int, wallTime: Double) {
        var sessionLog = ProtocolBuffer()
        sessionLog.varint(1, 1)  // SessionLog.START
        var event = ProtocolBuffer()
        event.double(1, wallTime)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.message(7, sessionLog)
        write(event)
    }

    private func event(step: Int, wallTime: Double, summary: ProtocolBuffer) -> ProtocolBuffer {
        var event = ProtocolBuffer()
        event.double(1, wallTime)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.message(5, summary)
        return event
    }

    /// Frames `event` as a TFRecord and appends it.
    private func write(_ event: ProtocolBuffer) {
        handle.write(Data(TensorBoardEvents.record(event.bytes)))
    }

    /// A TFRecord: little-endian length, its masked CRC-32C, the data, the data's masked CRC-32C.
    static func record(_ data: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        withUnsafeBytes(of: UInt64(data.count).littleEndian) { length += $0 }
        var record = length
        withUnsafeBytes(of: maskedCRC32C(length).littleEndian) { record += $0 }
        record += data
        withUnsafeBytes(of: maskedCRC32C(data).littleEndian) { record += $0 }
        return record
    }

    /// TFRecord's checksum: CRC-32C rotated right by 15 bits plus a constant.
    static func maskedCRC32C(_ bytes: [UInt8]) -> UInt32 {
        let crc = crc32C(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).
    static func crc32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crc32CTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crc32CTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1 }
        return value
    }

}

/// The protocol-buffer wire format, for the few messages an event file needs.
struct ProtocolBuffer {
    private(set) var bytes: [UInt8] = []

    /// A varint field (wire type 0).
    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, wireType: 0)
        append(varint: value)
    }

    /// A double field (wire type 1, little-endian).
    mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    /// A float field (wire type 5, little-endian).
    mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    /// A length-delimited field (wire type 2): a string or bytes.
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, wireType: 2)
        append(varint: UInt64(value.count))
        bytes += value
    }

    /// An embedded message (wire type 2).
    mutating func message(_ field: Int, _ value: ProtocolBuffer) { bytes(field, value.bytes) }

    private mutating func key(_ field: Int, wireType: UInt64) {
        append(varint: UInt64(field) << 3 | wireType)
    }

    private mutating func append(varint value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
