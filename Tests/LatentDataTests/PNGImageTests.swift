import LatentTensor
import Testing

@testable import LatentData

@Suite("PNGImage")
struct PNGImageTests {
    @Test(arguments: [1, 2, 3, 4])
    func encodeDecodeRoundTrip(channels: Int) throws {
        var generator = SplitMix64(seed: UInt64(channels))
        let pixels = (0..<(13 * 7 * channels)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
        }
        let image = PNGImage(width: 13, height: 7, channels: channels, pixels: pixels)
        let bytes = image.encoded()
        #expect(Array(bytes.prefix(8)) == PNGImage.signature)
        #expect(try PNGImage(decoding: bytes, path: "x.png") == image)
    }

    /// A grey 1-bit image and a 2-bit palette image built by hand, with every filter type.
    @Test func decodesLowBitDepthsPalettesAndAllFilters() throws {
        // 1-bit grey, width 10: two bytes per row; rows use filters 0 and 1.
        let grey = handMadePNG(
            width: 10, height: 2, bitDepth: 1, colorType: 0, palette: nil,
            rows: [[0, 0b1010_1010, 0b1100_0000], [1, 0b1111_0000, 0]])
        let decodedGrey = try PNGImage(decoding: grey, path: "grey.png")
        #expect(decodedGrey.channels == 1)
        #expect(Array(decodedGrey.pixels.prefix(10)) == [255, 0, 255, 0, 255, 0, 255, 0, 255, 255])
        // Row 2 with filter "sub": byte 1 = 0b1111_0000, byte 2 = 0 + 0b1111_0000.
        #expect(Array(decodedGrey.pixels.suffix(10)) == [255, 255, 255, 255, 0, 0, 0, 0, 255, 255])
        // 2-bit palette, width 4, rows with filters 2, 3, 4.
        let palette: [UInt8] = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]
        let indexed = handMadePNG(
            width: 4, height: 3, bitDepth: 2, colorType: 3, palette: palette,
            rows: [[2, 0b0001_1011], [3, 0], [4, 0]])
        let decoded = try PNGImage(decoding: indexed, path: "palette.png")
        #expect(decoded.channels == 3)
        let firstRow: [UInt8] = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]
        #expect(Array(decoded.pixels.prefix(12)) == firstRow)
        // Row 2, "average" with zero deltas: byte = (left + above) / 2 = 0b0001_1011 / 2 =
        // 0b0000_1101 → indices 0, 0, 3, 1. Row 3, Paeth with zero deltas: the above byte
        // (Paeth picks b when left and upper-left are both 0) → indices 0, 0, 3, 1 again.
        let blue: [UInt8] = [0, 0, 255]
        let red: [UInt8] = [255, 0, 0]
        let black: [UInt8] = [0, 0, 0]
        #expect(Array(decoded.pixels[12..<24]) == black + black + blue + red)
        #expect(Array(decoded.pixels[24..<36]) == black + black + blue + red)
    }

    @Test func interlacedIsUnsupportedAndNamesTheFile() {
        var bytes = PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3]).encoded()
        bytes[8 + 8 + 12] = 1  // IHDR interlace byte
        let crc = PNGImage.crc(Array(bytes[12..<29]))
        bytes.replaceSubrange(
            29..<33,
            with: [
                UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF),
                UInt8(crc & 0xFF),
            ])
        #expect(
            throws: DataError.unsupported(
                path: "i.png", detail: "Adam7-interlaced PNG; save it non-interlaced")
        ) {
            try PNGImage(decoding: bytes, path: "i.png")
        }
    }

    @Test func gridPlacesTilesWithPadding() {
        // Three 2x2 images with values 0, 0.5 and 1, two per row, padding 1.
        let images = Tensor(
            shape: [3, 1, 2, 2], scalars: [0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1])
        let grid = ImageGrid.render(images, columns: 2, padding: 1, paddingValue: 0)
        #expect(grid.width == 7 && grid.height == 7 && grid.channels == 1)
        #expect(grid.pixels[1 * 7 + 4] == 128)
        #expect(grid.pixels[4 * 7 + 1] == 255)
        #expect(grid.pixels[4 * 7 + 4] == 0)
        let symmetric = ImageGrid.render(images * 2 - 1, columns: 2, padding: 1, valueRange: -1...1)
        #expect(symmetric.pixels == ImageGrid.render(images, columns: 2, padding: 1).pixels)
    }

    @Test func scatterPlotPaintsBothSeries() {
        let data = Tensor(shape: [2, 2], scalars: [1, 1, -1, -1])
        let samples = Tensor(shape: [1, 2], scalars: [1, -1])
        let image = ScatterPlot.comparing(data: data, samples: samples, size: 64, bounds: -2...2)
        #expect(image.channels == 3 && image.width == 64)
        func color(_ x: Float, _ y: Float) -> [UInt8] {
            let column = Int(((x + 2) / 4 * 63).rounded())
            let row = 63 - Int(((y + 2) / 4 * 63).rounded())
            let offset = (row * 64 + column) * 3
            return Array(image.pixels[offset..<(offset + 3)])
        }
        #expect(color(1, 1) == [31, 119, 180])
        #expect(color(1, -1) == [255, 127, 14])
        #expect(color(-1.5, 1.5) == [255, 255, 255])
    }

    private func handMadePNG(
        width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, palette: [UInt8]?,
        rows: [[UInt8]]
    ) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            appendUInt32(UInt32(data.count), to: &out)
            out += Array(type.utf8) + data
            appendUInt32(PNGImage.crc(Array(type.utf8) + data), to: &out)
            return out
        }
        var header: [UInt8] = []
        appendUInt32(UInt32(width), to: &header)
        appendUInt32(UInt32(height), to: &header)
        header += [bitDepth, colorType, 0, 0, 0]
        return PNGImage.signature + chunk("IHDR", header)
            + (palette.map { chunk("PLTE", $0) } ?? [])
            + chunk("IDAT", Zlib.compress(rows.flatMap { $0 })) + chunk("IEND", [])
    }
}

@Suite("NPY")
struct NPYTests {
    @Test func headerIsNumPyVersionOne() {
        let bytes = NPY.encode(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, -0.5]))
        #expect(Array(bytes.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(bytes.count == 10 + headerLength + 24)
        #expect(Array(bytes.suffix(4)) == [0, 0, 0, 0xBF])  // -0.5 little-endian
    }

    @Test func oneDimensionalShapeHasATrailingComma() {
        let bytes = NPY.encode(Tensor(shape: [5], scalars: [1, 2, 3, 4, 5]))
        #expect(String(decoding: bytes[10..<74], as: UTF8.self).contains("'shape': (5,), }"))
    }

    /// A file as NumPy writes it: magic, version, header length (2 bytes in version 1, 4 in
    /// versions 2 and 3), the header dictionary, then the scalars.
    static func file(descr: String, shape: String, fortran: String = "False", version: UInt8 = 1, data: [UInt8]) -> [UInt8] {
        let header = "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }\n"
        let length = header.utf8.count
        let lengthBytes: [UInt8] = version == 1
            ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), 0, 0]
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + lengthBytes + Array(header.utf8) + data
    }

    @Test func readsWhatItWritesAndNumPysOtherTypes() throws {
        let tensor = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, -0.5])
        let read = try NPY.decode(NPY.encode(tensor), path: "a.npy")
        #expect(read.tensor.shape == [2, 3] && read.tensor.scalars == tensor.scalars && read.type == .float32)

        let doubles = [0.25, -1.5, 1e-3].flatMap { value in (0..<8).map { UInt8((value.bitPattern >> (8 * $0)) & 0xFF) } }
        let float64 = try NPY.decode(Self.file(descr: "<f8", shape: "(3,)", data: doubles), path: "b.npy")
        #expect(float64.tensor.shape == [3] && float64.tensor.scalars == [0.25, -1.5, 1e-3] && float64.type == .float64)

        let bytes = try NPY.decode(Self.file(descr: "|u1", shape: "(2, 1, 2)", version: 2, data: [0, 7, 128, 255]), path: "c.npy")
        #expect(bytes.tensor.shape == [2, 1, 2] && bytes.tensor.scalars == [0, 7, 128, 255] && bytes.type == .uint8)
    }

    @Test func refusesWhatItCannotReadNamingTheFile() throws {
        func refusal(_ bytes: [UInt8]) -> String {
            do {
                _ = try NPY.decode(bytes, path: "x.npy")
                return ""
            } catch {
                return "\(error)"
            }
        }
        let four: [UInt8] = [0, 0, 128, 63]
        #expect(refusal(Array("PK\u{3}\u{4}zip".utf8)).contains("not a .npy file"))
        #expect(refusal(Self.file(descr: "<i8", shape: "(1,)", data: [UInt8](repeating: 0, count: 8))).contains("dtype '<i8'"))
        #expect(refusal(Self.file(descr: ">f4", shape: "(1,)", data: four)).contains("dtype '>f4'"))
        #expect(refusal(Self.file(descr: "<f4", shape: "(1,)", fortran: "True", data: four)).contains("Fortran order"))
        #expect(refusal(Self.file(descr: "<f4", shape: "(2,)", data: four)).contains("shape [2] needs 2 scalars of 4 bytes"))
        #expect(refusal(Self.file(descr: "<f4", shape: "(1,)", data: [0, 0, 192, 127])).contains("not a finite Float32"))
        #expect(refusal(Self.file(descr: "<f4", shape: "(a, 2)", data: four)).contains("shape (a, 2)"))
        // Sizes whose product overflows are refused even when a later 0 would make it 0.
        #expect(refusal(Self.file(descr: "<f4", shape: "(1099511627776, 1099511627776, 0)", data: []))
            .contains("more scalars than any file can hold"))
        #expect(refusal(Self.file(descr: "|u1", shape: "(4611686018427387904,)", data: []))
            .contains("more scalars than any file can hold"))
        var hugeHeader = Self.file(descr: "<f4", shape: "(1,)", version: 2, data: four)
        hugeHeader.replaceSubrange(8..<12, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(refusal(hugeHeader).contains("header of 4294967295 bytes"))
        // A 0-d array holds one scalar; an array with a zero size holds none.
        #expect(try NPY.decode(Self.file(descr: "<f4", shape: "()", data: four), path: "x.npy").tensor.scalars == [1])
        #expect(try NPY.decode(Self.file(descr: "<f4", shape: "(0, 1, 28, 28)", data: []), path: "x.npy").tensor.shape
                == [0, 1, 28, 28])
        for message in [refusal(Array("PK".utf8)), refusal(Self.file(descr: "<i8", shape: "(1,)", data: []))] {
            #expect(message.contains("x.npy") && !message.contains("\n"))
        }
    }
}
