import Foundation
import Testing

@testable import LatentData

@Suite("IDXFile")
struct IDXFileTests {
    @Test(arguments: IDXFile.ElementType.allCases)
    func roundTripsEveryElementType(type: IDXFile.ElementType) throws {
        let values: [Double] = [0, 1, 2, 7, 100, 127, 3, 5, 9, 11, 13, 17]
        let encoded = IDXFile.encode(values, dimensions: [2, 3, 2], elementType: type)
        #expect(encoded.count == 4 + 3 * 4 + values.count * type.byteCount)
        for bytes in [encoded, Zlib.gzip(encoded)] {
            let file = try IDXFile(parsing: bytes, path: "test.idx")
            #expect(file.elementType == type)
            #expect(file.dimensions == [2, 3, 2])
            #expect(file.doubleValues() == values)
            #expect(file.integerValues() == values.map { Int($0) })
        }
    }

    @Test func negativeAndFractionalValues() throws {
        let cases: [(IDXFile.ElementType, [Double])] = [
            (.signedByte, [-128, -1, 127]), (.short, [-32768, -2, 32767]),
            (.int, [-2_147_483_648, -3, 2_147_483_647]), (.float, [-1.5, 0.25, 0x1p100]),
            (.double, [-1e-300, .pi, 1e300]),
        ]
        for (type, values) in cases {
            let file = try IDXFile(
                parsing: IDXFile.encode(values, dimensions: [3], elementType: type), path: "x")
            #expect(file.doubleValues() == values, "\(type)")
        }
    }

    @Test func unsignedBytesScaleToUnitInterval() throws {
        let file = try IDXFile(
            parsing: IDXFile.encode([0, 51, 255], dimensions: [3], elementType: .unsignedByte),
            path: "x")
        var floats = [Float](repeating: -1, count: 3)
        floats.withUnsafeMutableBufferPointer { file.writeFloats(into: $0) }
        #expect(floats == [0, 0.2, 1])
    }

    @Test func errorsNameTheFileInOneLine() {
        let valid = IDXFile.encode([1, 2, 3, 4], dimensions: [4], elementType: .unsignedByte)
        let cases: [([UInt8], String)] = [
            (Array(valid.prefix(6)), "truncated"),
            (Array(valid.dropLast()), "truncated"),
            ([1] + valid.dropFirst(), "wrong magic"),
            ([0, 0, 0x07, 1] + valid.dropFirst(4), "element type"),
            (valid + [0], "corrupt"),
            (Array(Zlib.gzip(valid).prefix(12)), "truncated"),
        ]
        for (bytes, problem) in cases {
            do {
                _ = try IDXFile(parsing: bytes, path: "bad-file.idx")
                Issue.record("accepted \(problem)")
            } catch {
                let text = "\(error)"
                #expect(text.contains("bad-file.idx") && text.contains(problem), "\(text)")
                #expect(!text.contains("\n"))
            }
        }
    }

    /// Concatenated gzip members are one gzip file (RFC 1952, `cat a.gz b.gz`).
    @Test func concatenatedGzipMembersAreOneFile() throws {
        let values = (0..<24).map(Double.init)
        let valid = IDXFile.encode(values, dimensions: [2, 3, 4], elementType: .short)
        let members = Zlib.gzip(Array(valid.prefix(10))) + Zlib.gzip(Array(valid.dropFirst(10)))
        #expect(try IDXFile(parsing: members, path: "x").doubleValues() == values)
    }

    /// Zero padding after the last member is skipped, as gzip and Python skip it.
    @Test func zeroPaddingAfterTheGzipStreamIsSkipped() throws {
        let values: [Double] = [1, 2, 3, 4]
        let gzipped = Zlib.gzip(IDXFile.encode(values, dimensions: [4], elementType: .unsignedByte))
        #expect(try IDXFile(parsing: gzipped + [UInt8](repeating: 0, count: 16), path: "x").doubleValues() == values)
    }

    /// Bytes after the last gzip member that do not start another member are an error.
    @Test func bytesAfterTheGzipStreamAreAnError() throws {
        let gzipped = Zlib.gzip(
            IDXFile.encode([1, 2, 3, 4], dimensions: [4], elementType: .unsignedByte))
        let end = gzipped.count
        let cases: [([UInt8], String)] = [
            ([0, 1, 2], "corrupt file: 3 bytes after the end of the gzip stream at byte \(end)"),
            ([0x1F], "corrupt file: 1 bytes after the end of the gzip stream at byte \(end)"),
            ([0x1F, 0x8B, 8], "truncated file: compressed stream ends early"),
        ]
        for (tail, detail) in cases {
            do {
                _ = try IDXFile(parsing: gzipped + tail, path: "bad-file.idx.gz")
                Issue.record("accepted \(tail)")
            } catch {
                #expect("\(error)" == "bad-file.idx.gz: " + detail)
            }
        }
    }

    @Test func missingFileIsAUserError() {
        #expect(throws: DataError.missingFile(path: "/nonexistent/x.idx")) {
            try IDXFile(contentsOf: "/nonexistent/x.idx")
        }
    }
}
