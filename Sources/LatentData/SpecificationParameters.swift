import Foundation

/// The `key=value&...` parameters after the `?` of a dataset specification
/// (`toy:ring8?std=0.02`, `csv:points.csv?test=0.2`), read strictly: every value a finite number,
/// no key twice, every key known, every value inside its range.
struct SpecificationParameters {
    /// The whole specification, for error messages (`toy:ring8?std=0.02`).
    let specification: String
    private var values: [String: (value: Double, text: String)] = [:]
    private var usedKeys: Set<String> = []

    /// Parses `query`, the text after the `?` (empty: no parameters).
    ///
    /// - Throws: `DataError.invalidSpecification` for a pair that is not `key=number`, a value that
    ///   is not finite, or a key given twice.
    init(parsing query: String, specification: String) throws {
        self.specification = specification
        guard !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            let keyValue = pair.split(
                separator: "=", maxSplits: 1, omittingEmptySubsequences: false
            )
            .map(String.init)
            guard keyValue.count == 2, !keyValue[0].isEmpty, let value = Double(keyValue[1]) else {
                throw invalid("parameter '\(pair)' is not key=number")
            }
            let key = keyValue[0]
            guard value.isFinite else {
                throw invalid("\(key) must be a finite number, got \(keyValue[1])")
            }
            guard values[key] == nil else { throw invalid("parameter '\(key)' is given twice") }
            values[key] = (value, keyValue[1])
        }
    }

    /// The value of `key`, or `fallback` when absent.
    ///
    /// - Throws: `DataError.invalidSpecification` naming the key when the value is outside `range`.
    mutating func number(_ key: String, _ fallback: Double, in range: ClosedRange<Double>) throws
        -> Double
    {
        usedKeys.insert(key)
        guard let entry = values[key] else { return fallback }
        let (value, text) = entry
        guard range.contains(value) else {
            throw invalid(
                "\(key) must be from \(Self.format(range.lowerBound)) to "
                    + "\(Self.format(range.upperBound)), got \(text)")
        }
        return value
    }

    /// The whole-number value of `key`, or `fallback` when absent.
    ///
    /// - Throws: `DataError.invalidSpecification` naming the key when the value is fractional or
    ///   outside `range`.
    mutating func wholeNumber(_ key: String, _ fallback: Int, in range: ClosedRange<Int>) throws
        -> Int
    {
        usedKeys.insert(key)
        guard let entry = values[key] else { return fallback }
        let (value, text) = entry
        guard value == value.rounded(), Double(range.lowerBound) <= value,
            value <= Double(range.upperBound)
        else {
            throw invalid(
                "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), "
                    + "got \(text)")
        }
        return Int(value)
    }

    /// Whether `key` was given.
    func contains(_ key: String) -> Bool { values[key] != nil }

    /// Throws when a key was given that no `number` or `wholeNumber` call asked for.
    ///
    /// - Parameter owner: What the keys belong to, for the message (`ring8`, `csv`).
    func rejectUnknownKeys(for owner: String) throws {
        if let unknown = values.keys.sorted().first(where: { !usedKeys.contains($0) }) {
            throw invalid("unknown parameter '\(unknown)' for \(owner)")
        }
    }

    /// An error about this specification.
    func invalid(_ detail: String) -> DataError {
        .invalidSpecification(specification, detail: detail)
    }

    /// `0.1`, `20`, `1e6`, `1e-6`: short and exact enough for a range in a message.
    private static func format(_ value: Double) -> String {
        String(format: "%g", value).replacingOccurrences(of: "e+0", with: "e")
            .replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+", with: "e")
    }

    /// Splits `path?key=value&...` at its last `?` into the path and the query (empty without
    /// one). A path that itself contains `?` is written with a trailing `?`.
    static func splitQuery(_ text: String) -> (path: String, query: String) {
        guard let mark = text.lastIndex(of: "?") else { return (text, "") }
        return (String(text[..<mark]), String(text[text.index(after: mark)...]))
    }
}
