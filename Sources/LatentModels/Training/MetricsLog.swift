import Foundation
import LatentNN

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value in a metrics record: numbers, strings, or integer counters.
public enum MetricValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case text(String)

    /// The value as JSON text; non-finite numbers become `null` (JSON has no NaN).
    var json: String {
        switch self {
        case .number(let value): return value.isFinite ? "\(value)" : "null"
        case .integer(let value): return "\(value)"
        case .text(let value): return JSONText.quoted(value)
        }
    }
}

/// `metrics.jsonl`: one JSON object per logged step or epoch, appended as training goes; the
/// same numbers go to a TensorBoard event file beside it (``TensorBoardEvents``).
public final class MetricsLog {
    /// The file written.
    public let url: URL
    private let handle: FileHandle
    /// The TensorBoard events of this session of the run, or `nil` when not written.
    public let events: TensorBoardEvents?

    /// Opens (creating or appending to) the log at `url`, and starts a TensorBoard event file
    /// in the same folder when `tensorBoard` is set.
    ///
    /// A run that continues from a checkpoint at `step` drops the records a killed session
    /// logged past it, so that no step appears twice; its event file starts by telling
    /// TensorBoard to forget the earlier files' points from `step + 1` on (a `SessionLog`
    /// START, as PyTorch's `SummaryWriter(purge_step:)` writes).
    ///
    /// - Parameters:
    ///   - step: the step the run continues from (0 for a new run).
    /// - Throws: ``RunError`` naming the file and the system's reason (`Permission denied`).
    public init(url: URL, continuingFrom step: Int = 0, tensorBoard: Bool = true) throws {
        self.url = url
        if step > 0, let text = try? String(contentsOf: url, encoding: .utf8) {
            let kept = text.split(separator: "\n", omittingEmptySubsequences: true).filter { line in
                let record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                return ((record?["step"] as? Int) ?? 0) <= step
            }
            if kept.count < text.split(separator: "\n", omittingEmptySubsequences: true).count {
                try AtomicFile.write(Data(kept.map { $0 + "\n" }.joined().utf8), to: url)
            }
        }
        handle = FileHandle(fileDescriptor: try MetricsLog.openForAppending(url, creating: true), closeOnDealloc: true)
        events = tensorBoard ? try TensorBoardEvents(directory: url.deletingLastPathComponent()) : nil
        if step > 0 { events?.addSessionStart(step: step + 1, wallTime: Date().timeIntervalSince1970) }
    }

    /// A descriptor open for appending to `url` (created when `creating` and missing).
    ///
    /// - Throws: ``RunError`` naming the file and the system's reason (`Permission denied`).
    static func openForAppending(_ url: URL, creating: Bool) throws -> Int32 {
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC | (creating ? O_CREAT : 0), 0o644)
        guard descriptor >= 0 else {
            throw RunError("\(url.path): cannot append to it: \(FileErrorText.lastError)")
        }
        return descriptor
    }

    /// Appends one record; keys keep the given order. A record with an integer `step` also goes
    /// to the event file: each number under its own key as the tag (`loss`, `test_loss`,
    /// `d_loss`), except the bookkeeping (`epoch` and times in seconds).
    public func append(_ record: [(String, MetricValue)]) {
        let body = record.map { "\(JSONText.quoted($0.0)): \($0.1.json)" }.joined(separator: ", ")
        handle.write(Data(("{" + body + "}\n").utf8))
        guard let events, let step = record.first(where: { $0.0 == "step" }).flatMap({ field -> Int? in
            if case .integer(let step) = field.1 { return step } else { return nil }
        }) else { return }
        let scalars: [(tag: String, value: Float)] = record.compactMap { key, value in
            guard key != "step" && key != "epoch" && !key.hasSuffix("seconds") else { return nil }
            switch value {
            case .number(let number): return (key, Float(number))
            case .integer(let integer): return (key, Float(integer))
            case .text: return nil
            }
        }
        events.addScalars(scalars, step: step, wallTime: Date().timeIntervalSince1970)
    }

    /// Adds a picture to the event file under `tag` at `step` (a sample grid as training goes).
    public func appendImage(_ picture: RunPicture, tag: String, step: Int) {
        events?.addImage(tag: tag, png: picture.png, width: picture.image.width, height: picture.image.height,
                         channels: picture.image.channels, step: step, wallTime: Date().timeIntervalSince1970)
    }

    /// Reads every record of a log, skipping lines that are not JSON objects.
    public static func read(_ url: URL) -> [[String: Any]] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

}

extension JSONText {
    /// One JSON object with keys in the given order.
    public static func object(_ fields: [(String, MetricValue)]) -> String {
        "{" + fields.map { "\(quoted($0.0)): \($0.1.json)" }.joined(separator: ", ") + "}"
    }
}

/// A problem with a run folder or a training run, in one line.
public struct RunError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and where.
    public let description: String
    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
