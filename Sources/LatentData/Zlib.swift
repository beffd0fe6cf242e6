import CZlib

/// Compression through the system zlib: gzip and zlib streams for IDX files and PNG chunks.
enum Zlib {
    /// Whether `bytes` starts with the gzip magic number `1f 8b`.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses a gzip or zlib stream (detected from its header).
    ///
    /// A gzip file may hold several members one after another (RFC 1952, what `cat a.gz b.gz`
    /// makes); their contents are concatenated. Any other bytes after the last member are an
    /// error.
    ///
    /// - Parameters:
    ///   - bytes: The compressed stream.
    ///   - path: The file the bytes came from, for error messages.
    ///   - expectedSize: The decompressed size when the caller knows it (PNG), used for the buffer.
    /// - Throws: `DataError.badCompressedStream` or `.truncated` when the stream is invalid,
    ///   `.corrupt` when bytes that are not a gzip member follow a gzip stream.
    static func decompress(_ bytes: [UInt8], path: String, expectedSize: Int? = nil) throws
        -> [UInt8]
    {
        var stream = z_stream()
        // 15 + 32: a 32 KiB window and automatic gzip/zlib header detection.
        let status = inflateInit2_(
            &stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw DataError.badCompressedStream(path: path, detail: "zlib cannot start (\(status))")
        }
        defer { inflateEnd(&stream) }

        let isGzipFile = isGzip(bytes)
        var capacity = expectedSize ?? initialCapacity(for: bytes)
        capacity = max(capacity, 1024)
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var result: Int32 = Z_OK
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                }
                let availableBefore = output.count - produced
                result = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(min(availableBefore, Int(UInt32.max)))
                    return inflate(&stream, Z_NO_FLUSH)
                }
                produced += availableBefore - Int(stream.avail_out)
                if result == Z_STREAM_END {
                    let rest = Int(stream.avail_in)
                    // A zlib stream (PNG) ends here; a gzip file may hold further members.
                    guard isGzipFile, rest > 0 else { break }
                    let offset = input.count - rest
                    // Zero padding after the last member is accepted, as gzip and Python do.
                    if input[offset...].allSatisfy({ $0 == 0 }) { break }
                    guard rest >= 2, input[offset] == 0x1F, input[offset + 1] == 0x8B else {
                        throw DataError.corrupt(
                            path: path,
                            detail:
                                "\(rest) bytes after the end of the gzip stream at byte \(offset)")
                    }
                    inflateReset(&stream)  // keeps next_in and avail_in
                    continue
                }
                if result == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw DataError.truncated(path: path, detail: "compressed stream ends early")
                }
                guard result == Z_OK || result == Z_BUF_ERROR else {
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(result)"
                    throw DataError.badCompressedStream(path: path, detail: message)
                }
                if result == Z_BUF_ERROR && stream.avail_out != 0 {
                    throw DataError.badCompressedStream(path: path, detail: "no progress")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses `bytes` as a zlib stream (the format of PNG's IDAT chunks).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        deflate(bytes, windowBits: 15, level: level)
    }

    /// Compresses `bytes` as a gzip file.
    static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        deflate(bytes, windowBits: 15 + 16, level: level)
    }

    private static func deflate(_ bytes: [UInt8], windowBits: Int32, level: Int32) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed with status \(status)")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        let written: Int = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let result = CZlib.deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate did not finish (\(result))")
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }

    /// A buffer size guess: gzip's trailer holds the input size modulo 2³²; never trust it past
    /// a generous multiple of the compressed size.
    private static func initialCapacity(for bytes: [UInt8]) -> Int {
        guard isGzip(bytes), bytes.count >= 18 else { return bytes.count * 4 }
        let n = bytes.count
        let size =
            Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16
            | Int(bytes[n - 1]) << 24
        return min(size + 1, bytes.count * 64 + (1 << 20))
    }
}
