import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows training progress: a bar with rate and ETA on a terminal, plain periodic lines otherwise.
///
/// Writes to standard error so that standard output stays clean for `--json` results.
public final class ProgressReporter {
    private let total: Int
    private let first: Int
    private let label: String
    private let isTerminal: Bool
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let plainInterval: TimeInterval

    /// Creates a reporter for `total` steps.
    ///
    /// - Parameters:
    ///   - total: the number of steps the run will take.
    ///   - first: the steps already done when this reporter starts (a resumed run); the rate
    ///     and ETA count only the steps taken since.
    ///   - label: a short name shown before the bar.
    ///   - plainInterval: seconds between lines when standard error is not a terminal.
    public init(total: Int, first: Int = 0, label: String, plainInterval: TimeInterval = 10) {
        self.total = max(total, 1)
        self.first = min(max(first, 0), self.total)
        self.label = label
        self.plainInterval = plainInterval
        isTerminal = isatty(STDERR_FILENO) != 0
    }

    /// Reports that `step` steps are done, with the latest values of the monitored quantities.
    public func update(step: Int, values: [(String, Float)], force: Bool = false) {
        let now = Date()
        let interval = isTerminal ? 0.1 : plainInterval
        guard force || step >= total || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(max(step - first, 0)) / max(elapsed, 1e-9)
        let remaining = rate > 0 ? Double(total - step) / rate : 0
        let shown = values.map { "\($0.0) \(ProgressReporter.format($0.1))" }.joined(separator: "  ")
        let fraction = Double(step) / Double(total)
        if isTerminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = "\r\u{1B}[2K\(label) \(bar) \(step)/\(total)  \(String(format: "%.1f", rate)) it/s  "
                + "ETA \(ProgressReporter.duration(remaining))  \(shown)"
            FileHandle.standardError.write(Data(line.utf8))
            if step >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let line = "\(label) step \(step)/\(total) (\(Int(fraction * 100))%)  \(String(format: "%.1f", rate)) it/s  "
                + "elapsed \(ProgressReporter.duration(elapsed))  ETA \(ProgressReporter.duration(remaining))  \(shown)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Prints a line of its own, below the bar.
    public func note(_ message: String) {
        let prefix = isTerminal ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
        lastPrint = .distantPast
    }

    static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        return abs(value) >= 1000 || abs(value) < 0.01 && value != 0
            ? String(format: "%.3g", value) : String(format: "%.3f", value)
    }

    /// `1h02m`, `3m05s` or `12s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60) }
        if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}
