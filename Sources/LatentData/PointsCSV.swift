import Foundation
import LatentTensor

/// Points as comma-separated text: one point per line, an optional header line.
///
/// Lines end in LF, CRLF or CR; a UTF-8 byte-order mark is skipped; blank lines and lines
/// starting with `#` are ignored. A cell may be wrapped in double quotes. The first remaining
/// line is a header when none of its cells is a number, and data when all of them are; a first
/// line that mixes the two is an error. Every data cell must be a number that is finite as a
/// Float32 (`nan`, `inf` and `1e39` are errors), and every data line must have as many cells as
/// the first.
public enum PointsCSV {
    /// Reads a CSV file of points.
    ///
    /// - Returns: `[count, dimensions]`, the number of columns of the first data line.
    /// - Throws: `DataError` when the file is missing or has no points, or a line has a cell that
    ///   is empty, not a number or not finite, or a different number of columns (the error names
    ///   the line and the column).
    public static func load(_ path: String) throws -> Tensor {
        try parse(try readFile(path), path: path)
    }

    /// Parses CSV bytes (see the type's description for the rules).
    ///
    /// - Parameter path: The file the bytes came from, for error messages.
    static func parse(_ bytes: [UInt8], path: String) throws -> Tensor {
        var values: [Float] = []
        var columns: Int? = nil
        var isFirstLine = true
        for (index, line) in lines(of: bytes).enumerated() {
            let number = index + 1
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let cells = text.split(separator: ",", omittingEmptySubsequences: false).map(unquoted)
            let numbers = cells.map { Double($0) }
            if isFirstLine {
                isFirstLine = false
                if numbers.allSatisfy({ $0 == nil }) { continue }  // a header
                if let column = cells.indices.first(where: {
                    numbers[$0] == nil && !cells[$0].isEmpty
                }) {
                    throw DataError.corrupt(
                        path: path,
                        detail: "line \(number) mixes numbers and text: column \(column + 1) is "
                            + "'\(cells[column])'; a header line has no numbers and a data line "
                            + "no text")
                }
            }
            for (column, (cell, value)) in zip(cells, numbers).enumerated() {
                let place = "line \(number), column \(column + 1)"
                guard !cell.isEmpty else {
                    throw DataError.corrupt(path: path, detail: "\(place) is empty")
                }
                guard let value else {
                    throw DataError.corrupt(
                        path: path, detail: "\(place): '\(cell)' is not a number")
                }
                guard Float(value).isFinite else {
                    throw DataError.corrupt(
                        path: path, detail: "\(place): '\(cell)' is not a finite Float32 number")
                }
            }
            if let columns, columns != cells.count {
                throw DataError.corrupt(
                    path: path,
                    detail: "line \(number) has \(cells.count) columns, expected \(columns)")
            }
            columns = cells.count
            values += numbers.map { Float($0!) }
        }
        guard let columns, !values.isEmpty else {
            throw DataError.corrupt(path: path, detail: "no points")
        }
        return Tensor(shape: [values.count / columns, columns], scalars: values)
    }

    /// The lines of `bytes`, split at LF, CRLF or CR, after a UTF-8 byte-order mark.
    private static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        let (lineFeed, carriageReturn): (UInt8, UInt8) = (0x0A, 0x0D)
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lines: [ArraySlice<UInt8>] = []
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte == lineFeed || byte == carriageReturn {
                lines.append(bytes[start..<position])
                if byte == carriageReturn, position + 1 < bytes.count,
                    bytes[position + 1] == lineFeed
                {
                    position += 1
                }
                start = position + 1
            }
            position += 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    /// A cell without surrounding whitespace and one pair of surrounding double quotes.
    private static func unquoted(_ cell: Substring) -> String {
        let trimmed = cell.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") else {
            return trimmed
        }
        return String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
    }

    /// The points `[count, dimensions]` as CSV text with a header `x,y` (or `x0,x1,...`).
    public static func encode(_ points: Tensor) -> String {
        precondition(
            points.shape.count == 2, "CSV points need [count, dimensions], got \(points.shape)")
        let columns = points.shape[1]
        var text =
            (columns == 2 ? "x,y" : (0..<columns).map { "x\($0)" }.joined(separator: ",")) + "\n"
        let values = points.scalars
        for row in 0..<points.shape[0] {
            text += values[(row * columns)..<((row + 1) * columns)].map { "\($0)" }.joined(
                separator: ",")
            text += "\n"
        }
        return text
    }
}
