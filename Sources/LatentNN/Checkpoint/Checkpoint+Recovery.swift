import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finishing a run save that a killed process left half done, and clearing its temporary files.
extension Checkpoint {
    /// A temporary file `<file>.tmp-<pid>` that a save wrote beside `file`.
    struct TemporaryFile {
        /// Where it is.
        let url: URL
        /// The process that wrote it.
        let process: Int32
    }

    /// The temporary files beside `url` (`<file>.tmp-<pid>`), in name order.
    static func temporaryFiles(for url: URL) -> [TemporaryFile] {
        let folder = url.deletingLastPathComponent()
        let prefix = url.lastPathComponent + ".tmp-"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.sorted().compactMap { entry in
            guard entry.hasPrefix(prefix), let process = Int32(entry.dropFirst(prefix.count))
            else { return nil }
            return TemporaryFile(url: folder.appendingPathComponent(entry), process: process)
        }
    }

    /// Removes the temporary files of both run files left by processes that no longer run, or
    /// by this one (a process saves one run at a time, so its own are from an earlier life of
    /// its process number, or from a save that failed).
    static func removeStaleTemporaryFiles(in folder: URL) {
        for name in [modelFileName, stateFileName] {
            for temporary in temporaryFiles(for: folder.appendingPathComponent(name))
            where temporary.process == getpid() || !FileBytes.isRunning(temporary.process) {
                FileBytes.remove(temporary.url.path)
            }
        }
    }

    /// Both files of the run in `folder`, stamped with the same counters.
    ///
    /// When the stamps differ, or one file is missing, a save was interrupted between its two
    /// renames: the file renamed second is then complete in a temporary file stamped like the
    /// other, which is renamed into place (the next save would replace it anyway if that
    /// fails) and used.
    ///
    /// - Throws: ``CheckpointError``: a file unreadable or malformed, or the stamps differing
    ///   with no such temporary file.
    static func readRun(in folder: URL) throws(CheckpointError) -> (
        model: Safetensors, state: Safetensors
    ) {
        let modelURL = folder.appendingPathComponent(modelFileName)
        let stateURL = folder.appendingPathComponent(stateFileName)
        let model = Result { () throws(CheckpointError) in try Safetensors(contentsOf: modelURL) }
        let state = Result { () throws(CheckpointError) in try Safetensors(contentsOf: stateURL) }
        let modelStamp = (try? model.get())?.metadata[countersMetadataKey]
        let stateStamp = (try? state.get())?.metadata[countersMetadataKey]
        if let modelStamp, modelStamp == stateStamp {
            return (try model.get(), try state.get())
        }
        // The model is renamed first, so its newer stamp and a state temporary file are the
        // usual case; a state file with a model temporary file is what earlier versions, which
        // renamed the state first, could leave.
        if let modelStamp, let recovered = recover(stateURL, stamp: modelStamp) {
            return (try model.get(), recovered)
        }
        if let stateStamp, let recovered = recover(modelURL, stamp: stateStamp) {
            return (recovered, try state.get())
        }
        _ = try model.get()
        _ = try state.get()
        throw CheckpointError(
            file: stateURL.path,
            problem: .inconsistent(
                reason: "saved at \(stateStamp ?? "no recorded step") but \(modelFileName) at "
                    + "\(modelStamp ?? "no recorded step"), and no complete temporary file "
                    + "of either step is left to reconcile them"))
    }

    /// The contents of a complete temporary file beside `url` stamped `stamp`, renamed over
    /// `url`; `nil` when there is none.
    private static func recover(_ url: URL, stamp: String) -> Safetensors? {
        for temporary in temporaryFiles(for: url) {
            guard let contents = try? Safetensors(contentsOf: temporary.url),
                contents.metadata[countersMetadataKey] == stamp
            else { continue }
            if (try? FileBytes.moveIntoPlace(temporary.url.path, over: url)) != nil {
                FileBytes.syncFolder(of: url)
            }
            return contents
        }
        return nil
    }
}
