import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads and atomic whole-file writes, with errors that name the file.
enum FileBytes {
    /// The bytes of the file at `url`.
    static func contents(of url: URL) throws(CheckpointError) -> [UInt8] {
        let path = url.path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CheckpointError(file: path, problem: .unreadable(reason: lastErrorMessage()))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw CheckpointError(file: path, problem: .unreadable(reason: lastErrorMessage()))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError(file: path, problem: .unreadable(reason: "not a regular file"))
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw CheckpointError(file: path, problem: .unreadable(reason: lastErrorMessage()))
            }
            if count == 0 { break }
            filled += count
        }
        // The file shrank while it was read: keep what is there, the parser reports truncation.
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
    }

    /// Writes `bytes` to `url` atomically: to `<file>.tmp-<pid>` in the same folder, flushed,
    /// then renamed over the target. On any failure the temporary file is removed and an
    /// existing target is left as it was.
    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws(CheckpointError) {
        let temporary = try writeTemporary(bytes, for: url)
        do {
            try moveIntoPlace(temporary, over: url)
        } catch {
            unlink(temporary)
            throw error
        }
        syncFolder(of: url)
    }

    /// The temporary file this process writes before replacing `url`: `<file>.tmp-<pid>`.
    static func temporaryPath(for url: URL) -> String { "\(url.path).tmp-\(getpid())" }

    /// Writes `bytes` to ``temporaryPath(for:)`` and flushes it to disk; returns its path.
    ///
    /// On failure the temporary file is removed; `url` itself is never touched.
    static func writeTemporary(_ bytes: [UInt8], for url: URL) throws(CheckpointError) -> String {
        let path = url.path
        let temporary = temporaryPath(for: url)
        func failure(_ step: String) -> CheckpointError {
            CheckpointError(
                file: path, problem: .unwritable(reason: "\(step): \(lastErrorMessage())"))
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("creating \(temporary)") }
        var isComplete = false
        defer { if !isComplete { unlink(temporary) } }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let error = failure("writing \(temporary)")
                close(descriptor)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = failure("flushing \(temporary)")
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw failure("closing \(temporary)") }
        isComplete = true
        return temporary
    }

    /// Renames the complete file `temporary` over `url`; on failure both are left as they were.
    static func moveIntoPlace(_ temporary: String, over url: URL) throws(CheckpointError) {
        guard rename(temporary, url.path) == 0 else {
            throw CheckpointError(
                file: url.path,
                problem: .unwritable(reason: "renaming \(temporary): \(lastErrorMessage())"))
        }
    }

    /// Makes the renames in `url`'s folder durable; a failure here loses nothing already written.
    static func syncFolder(of url: URL) {
        let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// Removes the file at `path`, if it is there.
    static func remove(_ path: String) { unlink(path) }

    /// Whether a process with this identifier is running (one owned by another user counts).
    static func isRunning(_ process: Int32) -> Bool {
        process > 0 && (kill(process, 0) == 0 || errno == EPERM)
    }

    private static func lastErrorMessage() -> String { String(cString: strerror(errno)) }
}
