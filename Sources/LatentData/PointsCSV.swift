import Foundation
import LatentTensor

/// Points as comma-separated text: one point per line, an optional non-numeric header line.
public enum PointsCSV {
    /// Reads a CSV file of points.
    ///
    /// - Returns: `[count, dimensions]`, the number of columns of the first data line.
    /// - Throws: `DataError` when the file is missing, empty, or a line is not numeric or has a
    ///   different number of columns (the error names the line).
    public static func load(_ path: String) throws -> Tensor {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var values: [Float] = []
        var columns: Int? = nil
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            let trimmed = line.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let numbers = fields.compactMap { Float($0) }.filter(\.isFinite)
            if numbers.count != fields.count {
                if columns == nil && values.isEmpty && number == 0 { continue }  // a header
                throw DataError.corrupt(path: path, detail: "line \(number + 1) is not numeric")
            }
            if let columns, columns != numbers.count {
                throw DataError.corrupt(
                    path: path,
                    detail: "line \(number + 1) has \(numbers.count) columns, expected \(columns)")
            }
            columns = numbers.count
            values += numbers
        }
        guard let columns, columns > 0 else {
            throw DataError.corrupt(path: path, detail: "no points")
        }
        return Tensor(shape: [values.count / columns, columns], scalars: values)
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
