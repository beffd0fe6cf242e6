import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A training run's folder: `config.json`, `checkpoint.safetensors`, `optimizer.safetensors`,
/// `metrics.jsonl`, PNG pictures and `report.html`.
public struct RunFolder: Sendable {
    /// The folder.
    public let url: URL
    /// The outermost folder ``init(creating:resuming:)`` made for the run (the run folder, or a
    /// parent that did not exist either); `nil` when the folder existed.
    private var createdRoot: URL?

    /// The files of a run.
    public var configurationURL: URL { url.appendingPathComponent("config.json") }
    public var checkpointURL: URL { url.appendingPathComponent("checkpoint.safetensors") }
    public var optimizerURL: URL { url.appendingPathComponent("optimizer.safetensors") }
    public var metricsURL: URL { url.appendingPathComponent("metrics.jsonl") }
    public var reportURL: URL { url.appendingPathComponent("report.html") }

    /// A file in the run folder.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Whether the folder holds a checkpoint.
    public var hasCheckpoint: Bool { FileManager.default.fileExists(atPath: checkpointURL.path) }

    /// Opens an existing run folder for reading (sample, eval, resume).
    ///
    /// - Throws: ``RunError`` when the folder or its `config.json` is missing.
    public init(existing path: String) throws {
        url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: configurationURL.path) else {
            throw RunError("\(path) is not a run folder: it has no config.json")
        }
    }

    /// Names a run folder without creating or checking it: what the other ranks of a
    /// data-parallel run hold, while rank 0 creates, checks and writes the folder.
    public init(unchecked path: String) {
        url = URL(fileURLWithPath: path)
    }

    /// Creates the folder for a new run, or reopens it to resume.
    ///
    /// A folder that already holds a checkpoint is never overwritten: without `resuming` this
    /// throws and names the option to pass. Before anything is written, the folder must be
    /// writable and an existing `metrics.jsonl` open for appending, so that a run that cannot
    /// keep its files stops before it changes any of them.
    public init(creating path: String, resuming: Bool) throws {
        url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        if resuming {
            guard manager.fileExists(atPath: checkpointURL.path) else {
                throw RunError("--resume: \(path) holds no checkpoint.safetensors to resume from")
            }
            try checkWritable()
            removeStaleAtomicFiles()
            return
        }
        if manager.fileExists(atPath: checkpointURL.path) {
            throw RunError("\(path) already holds a trained run; pass --resume to continue it or choose another --out")
        }
        var missing = url.standardizedFileURL
        while !manager.fileExists(atPath: missing.path) {
            createdRoot = missing
            let parent = missing.deletingLastPathComponent()
            if parent.path == missing.path { break }
            missing = parent
        }
        let failure = Self.makeFolder(url)
        guard failure == 0 else {
            throw RunError("cannot create run folder \(path): \(String(cString: strerror(failure)))")
        }
        try checkWritable()
    }

    /// Removes the folder when this value created it and nothing has been written to it yet:
    /// a run refused while being set up leaves no empty folder behind.
    public func removeIfUnused() {
        guard let createdRoot else { return }
        let manager = FileManager.default
        // The run folder, then each parent made for it, while it is empty.
        var folder = url.standardizedFileURL
        while (try? manager.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
            try? manager.removeItem(at: folder)
            if folder.path == createdRoot.path { break }
            folder = folder.deletingLastPathComponent()
        }
    }

    /// Removes the hidden temporary files `.<name>.tmp-<pid>` that ``AtomicFile`` writes
    /// (`config.json`, `report.html`, `metrics.jsonl`) and a killed process left behind: those
    /// of processes that no longer run, or of this one's process number, which writes none
    /// while a run folder opens.
    func removeStaleAtomicFiles() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        for entry in entries where entry.hasPrefix(".") {
            guard let marker = entry.range(of: ".tmp-", options: .backwards),
                  let process = Int32(entry[marker.upperBound...])
            else { continue }
            if process == getpid() || (kill(process, 0) != 0 && errno == ESRCH) {
                try? FileManager.default.removeItem(at: url.appendingPathComponent(entry))
            }
        }
    }

    /// Creates `folder` and its missing parents, as `mkdir -p`; returns 0 or the `errno` of the
    /// failure (Foundation's `createDirectory` loses it for some, as `ENOTDIR`).
    private static func makeFolder(_ folder: URL) -> Int32 {
        if mkdir(folder.path, 0o777) == 0 { return 0 }
        let failure = errno
        var isDirectory: ObjCBool = false
        if failure == EEXIST {
            let exists = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory)
            return exists && isDirectory.boolValue ? 0 : ENOTDIR
        }
        let parent = folder.deletingLastPathComponent()
        guard failure == ENOENT, parent.path != folder.path else { return failure }
        let parentFailure = makeFolder(parent)
        guard parentFailure == 0 else { return parentFailure }
        return mkdir(folder.path, 0o777) == 0 || errno == EEXIST ? 0 : errno
    }

    /// Checks that the run's files can be replaced (the folder is writable) and `metrics.jsonl`
    /// appended to.
    ///
    /// - Throws: ``RunError`` naming the folder or the file and the system's reason.
    public func checkWritable() throws {
        guard access(url.path, W_OK | X_OK) == 0 else {
            throw RunError("cannot write in run folder \(url.path): \(FileErrorText.lastError)")
        }
        if FileManager.default.fileExists(atPath: metricsURL.path) {
            close(try MetricsLog.openForAppending(metricsURL, creating: false))
        }
    }

    /// Writes `config.json` (atomically, pretty-printed, sorted keys).
    public func writeConfiguration(_ configuration: RunConfiguration) throws {
        try AtomicFile.write(configuration.encodedJSON(), to: configurationURL)
    }

    /// Refuses to resume a run trained on another dataset than `dataset` (its `config.json`,
    /// or `saved` when already read), naming both.
    public func checkResumeDataset(_ dataset: String, saved: RunConfiguration? = nil) throws {
        let saved = try saved ?? readConfiguration()
        guard dataset == saved.dataset else {
            throw RunError("--resume: \(url.path) was trained on \(saved.dataset), not \(dataset); "
                + "resume with --dataset \(saved.dataset), or train on \(dataset) in another --out")
        }
    }

    /// Rewrites `config.json` for a resumed run with the configuration now in force, keeping the
    /// recorded `arguments`, and returns the training options that changed
    /// (``RunConfiguration/trainingChanges(since:)``), then `processes: m → n` when the number
    /// of processes changed.
    ///
    /// - Throws: ``RunError`` naming both datasets when `current` trains on another dataset
    ///   than `saved` (nothing is written then).
    public func rewriteConfiguration(_ current: RunConfiguration, resumedFrom saved: RunConfiguration) throws -> [String] {
        try checkResumeDataset(current.dataset, saved: saved)
        var updated = current
        updated.arguments = updated.arguments ?? saved.arguments
        try writeConfiguration(updated)
        // A run resumed on another number of processes draws other noise from then on.
        let processes = (saved.processes ?? 1, current.processes ?? 1)
        return current.trainingChanges(since: saved)
            + (processes.0 == processes.1 ? [] : ["processes: \(processes.0) → \(processes.1)"])
    }

    /// Reads `config.json` and checks its values (``RunConfiguration/validate()``).
    ///
    /// - Throws: ``RunError`` naming the file, for one that is not a run configuration or holds a
    ///   value that cannot work.
    public func readConfiguration() throws -> RunConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: configurationURL)
        } catch {
            throw RunError("\(configurationURL.path): not a Latent run configuration (\(error))")
        }
        return try decodeConfiguration(data)
    }

    /// A decoding error in words: where in the file and what was wrong.
    static func phrase(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            let text = keys.enumerated().map { index, key in
                key.intValue.map { "[\($0)]" } ?? (index == 0 ? "" : ".") + key.stringValue
            }.joined()
            return keys.isEmpty ? "the file" : "'" + text + "'"
        }
        func kind(_ type: Any.Type) -> String {
            switch "\(type)" {
            case "Int", "Int64", "UInt64", "Int32": return "an integer"
            case "Float", "Double": return "a number"
            case "String": return "a string"
            case "Bool": return "true or false"
            case let name where name.hasPrefix("Array"): return "a list"
            case let name where name.hasPrefix("Dictionary"): return "an object"
            case let name: return "a \(name)"
            }
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context, key)) is missing"
        case .valueNotFound(let type, let context): return "\(path(context)) is null, where \(kind(type)) belongs"
        case .typeMismatch(let type, let context): return "\(path(context)) is not \(kind(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)) holds a value Latent does not know"
        @unknown default: return "\(error)"
        }
    }

    /// `config.json`'s contents decoded and checked; errors name the file.
    func decodeConfiguration(_ data: Data) throws -> RunConfiguration {
        let configuration: RunConfiguration
        do {
            configuration = try JSONDecoder().decode(RunConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw RunError("\(configurationURL.path): not a Latent run configuration (\(Self.phrase(error)))")
        } catch {
            throw RunError("\(configurationURL.path): not a Latent run configuration (\(error))")
        }
        do {
            try configuration.validate()
        } catch {
            throw RunError("\(configurationURL.path): \(error)")
        }
        return configuration
    }
}

/// Everything needed to rebuild a run's model and continue its training: `config.json`.
public struct RunConfiguration: Codable, Equatable, Sendable {
    /// The model name as given to `latent train` (`vae`, `iwae`, `classifier`, …).
    public var model: String
    /// The dataset specification (`mnist`, `idx:<folder>`, `toy:ring8`, …).
    public var dataset: String
    /// The variational model's configuration, for that family.
    public var variational: VariationalConfiguration?
    /// The variational training loop's options, for that family.
    public var variationalTraining: VariationalTrainingOptions?
    /// The classifier's configuration, for that model.
    public var classifier: ClassifierConfiguration?
    /// The classifier's training options, for that model.
    public var classifierTraining: ClassifierTrainingOptions?
    /// The adversarial model's configuration, for that family.
    public var adversarial: AdversarialConfiguration?
    /// The adversarial training loop's options, for that family.
    public var adversarialTraining: AdversarialTrainingOptions?
    /// The number of processes that trained the run data-parallel under `mpirun` (in its last
    /// invocation); `nil` for one process. A run repeats bit for bit only with the same number.
    public var processes: Int?
    /// The version of Latent that wrote the file.
    public var latentVersion: String
    /// The `latent train` arguments that made the run, model first (`--resume` and `--json`
    /// left out), which a `--resume` with nothing but continuation options replays; `nil` for
    /// runs trained through the library or before the field existed.
    public var arguments: [String]?

    /// Creates a configuration.
    public init(model: String, dataset: String, variational: VariationalConfiguration? = nil,
                variationalTraining: VariationalTrainingOptions? = nil, latentVersion: String = LatentInfo.version) {
        self.model = model
        self.dataset = dataset
        self.variational = variational
        self.variationalTraining = variationalTraining
        self.latentVersion = latentVersion
    }

    /// The training options that differ from those of `saved`, one `key: old → new` per option
    /// in key order; `steps` and `epochs`, which a resumed run extends, are left out.
    ///
    /// `--resume` takes the training options of the command it is given, so one left out there
    /// falls back to its default; this names each such change so that the trainer can say so.
    public func trainingChanges(since saved: RunConfiguration) -> [String] {
        func fields(_ configuration: RunConfiguration) -> [String: Any] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var merged: [String: Any] = [:]
            let parts: [Data?] = [
                configuration.variationalTraining.flatMap { try? encoder.encode($0) },
                configuration.classifierTraining.flatMap { try? encoder.encode($0) },
                configuration.adversarialTraining.flatMap { try? encoder.encode($0) },
            ]
            for case let data? in parts {
                if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    merged.merge(object) { $1 }
                }
            }
            return merged
        }
        func text(_ value: Any?) -> String {
            guard let value, !(value is NSNull) else { return "none" }
            // JSON's true and false come back as numbers of type "c".
            if let number = value as? NSNumber, String(cString: number.objCType) == "c" {
                return number.boolValue ? "true" : "false"
            }
            return "\(value)"
        }
        let (before, after) = (fields(saved), fields(self))
        return Set(before.keys).union(after.keys).subtracting(["steps", "epochs"]).sorted().compactMap { key in
            let (old, new) = (text(before[key]), text(after[key]))
            return old == new ? nil : "\(key): \(old) → \(new)"
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// Facts about this build of Latent.
public enum LatentInfo {
    /// The version string written into run folders.
    public static let version = "0.1.0"
}
