import Foundation
import LatentTensor
import Testing

@testable import LatentData

@Suite("PointsCSV")
struct PointsCSVTests {
    /// Writes `bytes` to a fresh temporary file, loads it, and removes the file.
    private func load(_ bytes: [UInt8]) throws -> Tensor {
        let path = Self.path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeFile(bytes, to: path)
        return try PointsCSV.load(path)
    }

    private func load(_ text: String) throws -> Tensor { try load(Array(text.utf8)) }

    /// A fresh temporary file name.
    private static var path: String {
        FileManager.default.temporaryDirectory.path
            + "/latent-csv-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).csv"
    }

    /// The error `load` throws for `text`, with the temporary path replaced by `points.csv`.
    private func error(_ text: String) -> String? {
        let path = Self.path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try writeFile(Array(text.utf8), to: path)
            _ = try PointsCSV.load(path)
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: "points.csv")
        }
    }

    @Test(arguments: [
        "x,y\n1,2\n3,4\n", "x,y\r\n1,2\r\n3,4\r\n", "x,y\r1,2\r3,4\r", "x,y\r\n1,2\n3,4",
        "1,2\n3,4", "1,2\r\n3,4\r\n", "# comment\r\n\r\n1, 2\r\n  3 ,4 \r\n\r\n",
    ])
    func everyLineEndingReadsTheSamePoints(text: String) throws {
        let points = try load(text)
        #expect(
            points.shape == [2, 2] && points.scalars == [1, 2, 3, 4], "\(text.debugDescription)")
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstCell() throws {
        for text in ["1,2\n3,4\n", "x,y\n1,2\n3,4\n"] {
            let points = try load([0xEF, 0xBB, 0xBF] + Array(text.utf8))
            #expect(points.scalars == [1, 2, 3, 4], "\(text.debugDescription)")
        }
    }

    @Test func quotedCellsAreUnquoted() throws {
        #expect(try load("\"1\",\"2\"\n3,\"4\"\n").scalars == [1, 2, 3, 4])
        #expect(try load("\"x\",\"y\"\n1,2\n").scalars == [1, 2])
    }

    /// Problems name the line and, for a cell, the column.
    static let problems: [(String, String)] = [
        (
            "x,2\n3,4\n",
            "line 1 mixes numbers and text: column 1 is 'x'; a header line has no "
                + "numbers and a data line no text"
        ),
        ("1e39,2\n3,4\n", "line 1, column 1: '1e39' is not a finite Float32 number"),
        ("nan,2\n3,4\n", "line 1, column 1: 'nan' is not a finite Float32 number"),
        ("x,y\n1,2\n3,inf\n", "line 3, column 2: 'inf' is not a finite Float32 number"),
        ("x,y\n1,2\n3,abc\n", "line 3, column 2: 'abc' is not a number"),
        ("x,y\r\n1,,2\r\n", "line 2, column 2 is empty"),
        ("1,2,\n", "line 1, column 3 is empty"),
        ("x,y\n1,2\n3\n", "line 3 has 1 columns, expected 2"),
        ("x,y\n# nothing\n", "no points"),
        ("", "no points"),
    ]

    @Test(arguments: 0..<problems.count)
    func problemsNameTheLineAndColumn(caseIndex: Int) {
        let (text, detail) = Self.problems[caseIndex]
        #expect(error(text) == "points.csv: corrupt file: \(detail)", "\(text.debugDescription)")
    }

    @Test func roundTripsItsOwnEncoding() throws {
        let points = Tensor(shape: [3, 3], scalars: [1, 2, -0.5, 4, 1e-3, 6, 1e30, -7, 0])
        let loaded = try load(PointsCSV.encode(points))
        #expect(loaded.shape == [3, 3] && loaded.scalars == points.scalars)
    }
}
