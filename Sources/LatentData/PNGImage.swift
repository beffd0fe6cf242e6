import CZlib

/// An 8-bit image with 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) interleaved channels,
/// readable from and writable to PNG files.
///
/// Decoding supports every colour type and bit depth of the PNG specification (grey 1–16 bits,
/// palette 1–8 bits, RGB, grey + alpha and RGBA 8 or 16 bits; 16-bit samples keep their high
/// byte) but not Adam7-interlaced files, which are reported as unsupported. Palette images decode
/// to RGB (palette transparency is ignored).
public struct PNGImage: Equatable, Sendable {
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// Channels per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// The samples, row by row, `[height][width][channels]` interleaved.
    public var pixels: [UInt8]

    /// Creates an image from interleaved 8-bit samples.
    ///
    /// - Precondition: `channels` is 1...4 and `pixels.count == width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition((1...4).contains(channels), "channels must be 1...4, got \(channels)")
        precondition(
            pixels.count == width * height * channels,
            "\(pixels.count) samples for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    // MARK: - Encoding

    /// The image as a PNG file (8-bit, non-interlaced, zlib-compressed, filter "up").
    public func encoded() -> [UInt8] {
        let colorType: UInt8 = [0, 4, 2, 6][channels - 1]
        var header: [UInt8] = []
        appendUInt32(UInt32(width), to: &header)
        appendUInt32(UInt32(height), to: &header)
        header += [8, colorType, 0, 0, 0]
        let rowBytes = width * channels
        var filtered: [UInt8] = []
        filtered.reserveCapacity((rowBytes + 1) * height)
        for row in 0..<height {
            let start = row * rowBytes
            if row == 0 {
                filtered.append(0)
                filtered += pixels[start..<(start + rowBytes)]
            } else {
                // Filter 2 ("up"): the difference to the row above compresses grids well.
                filtered.append(2)
                for k in 0..<rowBytes {
                    filtered.append(pixels[start + k] &- pixels[start - rowBytes + k])
                }
            }
        }
        var file: [UInt8] = Self.signature
        Self.appendChunk("IHDR", header, to: &file)
        Self.appendChunk("IDAT", Zlib.compress(filtered), to: &file)
        Self.appendChunk("IEND", [], to: &file)
        return file
    }

    /// Writes the image as a PNG file.
    ///
    /// - Returns: the file's bytes, for a caller that keeps them too (a TensorBoard image).
    /// - Throws: `DataError.cannotWrite` when the file cannot be written.
    @discardableResult
    public func write(to path: String) throws -> [UInt8] {
        let bytes = encoded()
        try writeFile(bytes, to: path)
        return bytes
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        appendUInt32(UInt32(data.count), to: &file)
        let typeAndData = Array(type.utf8) + data
        file += typeAndData
        appendUInt32(crc(typeAndData), to: &file)
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    // MARK: - Decoding

    /// Reads and decodes a PNG file.
    ///
    /// - Throws: `DataError` when the file is missing, not a PNG, corrupt or interlaced.
    public init(contentsOf path: String) throws {
        try self.init(decoding: try readFile(path), path: path)
    }

    /// Decodes PNG data.
    ///
    /// - Parameters:
    ///   - bytes: The file contents.
    ///   - path: The file name, for error messages.
    /// - Throws: `DataError` when the data is not a PNG, is truncated or corrupt, or interlaced.
    public init(decoding bytes: [UInt8], path: String) throws {
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.signature else {
            throw DataError.wrongMagic(path: path, detail: "not a PNG file")
        }
        var offset = 8
        var header: [UInt8]? = nil
        var palette: [UInt8] = []
        var compressed: [UInt8] = []
        var sawEnd = false
        while !sawEnd {
            guard offset + 12 <= bytes.count else {
                throw DataError.truncated(path: path, detail: "PNG ends before its IEND chunk")
            }
            let length = Int(readUInt32(bytes, at: offset))
            guard length <= bytes.count - offset - 12 else {
                throw DataError.truncated(path: path, detail: "chunk of \(length) bytes cut off")
            }
            let typeAndData = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            guard readUInt32(bytes, at: offset + 8 + length) == Self.crc(typeAndData) else {
                throw DataError.corrupt(path: path, detail: "chunk CRC mismatch at byte \(offset)")
            }
            let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
            let data = Array(typeAndData[4...])
            switch type {
            case "IHDR": header = data
            case "PLTE": palette = data
            case "IDAT": compressed += data
            case "IEND": sawEnd = true
            default: break
            }
            offset += 12 + length
        }
        guard let header, header.count == 13 else {
            throw DataError.corrupt(path: path, detail: "missing or malformed IHDR chunk")
        }
        let width = Int(readUInt32(header, at: 0))
        let height = Int(readUInt32(header, at: 4))
        let bitDepth = Int(header[8])
        let colorType = header[9]
        guard header[12] == 0 else {
            throw DataError.unsupported(
                path: path, detail: "Adam7-interlaced PNG; save it non-interlaced")
        }
        guard header[10] == 0, header[11] == 0 else {
            throw DataError.corrupt(path: path, detail: "unknown compression or filter method")
        }
        let samplesPerPixel: Int
        let allowedDepths: [Int]
        switch colorType {
        case 0: (samplesPerPixel, allowedDepths) = (1, [1, 2, 4, 8, 16])
        case 2: (samplesPerPixel, allowedDepths) = (3, [8, 16])
        case 3: (samplesPerPixel, allowedDepths) = (1, [1, 2, 4, 8])
        case 4: (samplesPerPixel, allowedDepths) = (2, [8, 16])
        case 6: (samplesPerPixel, allowedDepths) = (4, [8, 16])
        default:
            throw DataError.corrupt(path: path, detail: "unknown PNG colour type \(colorType)")
        }
        guard allowedDepths.contains(bitDepth) else {
            throw DataError.corrupt(
                path: path, detail: "bit depth \(bitDepth) invalid for colour type \(colorType)")
        }
        guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16,
            width * height <= 1 << 24
        else {
            throw DataError.unsupported(path: path, detail: "image size \(width)x\(height)")
        }
        if colorType == 3 && (palette.isEmpty || palette.count % 3 != 0) {
            throw DataError.corrupt(path: path, detail: "palette image without a valid PLTE chunk")
        }
        let bitsPerPixel = samplesPerPixel * bitDepth
        let rowBytes = (width * bitsPerPixel + 7) / 8
        let expected = (rowBytes + 1) * height
        let raw = try Zlib.decompress(compressed, path: path, expectedSize: expected)
        guard raw.count >= expected else {
            throw DataError.truncated(
                path: path, detail: "image data holds \(raw.count) of \(expected) bytes")
        }
        let rows = try Self.unfiltered(
            raw, rowBytes: rowBytes, height: height, bytesPerPixel: max(1, bitsPerPixel / 8),
            path: path)
        self = try Self.expanded(
            rows, width: width, height: height, colorType: colorType, bitDepth: bitDepth,
            palette: palette, rowBytes: rowBytes, path: path)
    }

    /// Undoes PNG's per-row filters (none, sub, up, average, Paeth).
    private static func unfiltered(
        _ raw: [UInt8], rowBytes: Int, height: Int, bytesPerPixel bpp: Int, path: String
    ) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rowBytes * height)
        for row in 0..<height {
            let filter = raw[row * (rowBytes + 1)]
            let input = row * (rowBytes + 1) + 1
            let start = row * rowBytes
            for k in 0..<rowBytes {
                let a = k >= bpp ? Int(out[start + k - bpp]) : 0
                let b = row > 0 ? Int(out[start - rowBytes + k]) : 0
                let c = row > 0 && k >= bpp ? Int(out[start - rowBytes + k - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default:
                    throw DataError.corrupt(
                        path: path, detail: "unknown filter \(filter) in row \(row)")
                }
                out[start + k] = raw[input + k] &+ UInt8(truncatingIfNeeded: predictor)
            }
        }
        return out
    }

    /// Converts unfiltered rows to 8-bit samples: unpacks low bit depths, keeps the high byte of
    /// 16-bit samples and looks palette indices up.
    private static func expanded(
        _ rows: [UInt8], width: Int, height: Int, colorType: UInt8, bitDepth: Int,
        palette: [UInt8], rowBytes: Int, path: String
    ) throws -> PNGImage {
        let fileChannels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colorType)]!
        let channels = colorType == 3 ? 3 : fileChannels
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let maxSample = (1 << bitDepth) - 1
        for y in 0..<height {
            let rowStart = y * rowBytes
            for x in 0..<width {
                for channel in 0..<fileChannels {
                    let sampleIndex = x * fileChannels + channel
                    let sample: Int
                    switch bitDepth {
                    case 8: sample = Int(rows[rowStart + sampleIndex])
                    case 16: sample = Int(rows[rowStart + 2 * sampleIndex])
                    default:
                        let bit = sampleIndex * bitDepth
                        let byte = Int(rows[rowStart + bit / 8])
                        sample = (byte >> (8 - bitDepth - bit % 8)) & maxSample
                    }
                    let target = (y * width + x) * channels
                    if colorType == 3 {
                        guard sample * 3 + 2 < palette.count else {
                            throw DataError.corrupt(
                                path: path, detail: "palette index \(sample) out of range")
                        }
                        for k in 0..<3 { pixels[target + k] = palette[sample * 3 + k] }
                    } else if bitDepth < 8 {
                        pixels[target + channel] = UInt8(sample * 255 / maxSample)
                    } else {
                        pixels[target + channel] = UInt8(sample)
                    }
                }
            }
        }
        return PNGImage(width: width, height: height, channels: channels, pixels: pixels)
    }
}
