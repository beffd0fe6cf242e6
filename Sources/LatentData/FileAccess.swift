import Foundation

/// Reads a whole file.
///
/// - Throws: `DataError.missingFile` when it does not exist or cannot be read.
func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw DataError.missingFile(path: path)
    }
    return [UInt8](data)
}

/// Writes a whole file atomically (temporary file, then rename).
///
/// - Throws: `DataError.cannotWrite` when the folder does not exist or is not writable.
func writeFile(_ bytes: [UInt8], to path: String) throws {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw DataError.cannotWrite(path: path, detail: writeProblem(path, error))
    }
}

/// Why `path` could not be written, in words: it is a folder, its folder is missing or not a
/// folder, or the system's reason that `error` records (permission, space, a read-only file
/// system).
public func writeProblem(_ path: String, _ error: (any Error)? = nil) -> String {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
        return "it is a folder"
    }
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) else {
        return "its folder \(parent) does not exist"
    }
    guard isFolder.boolValue else { return "\(parent) is not a folder" }
    if let cause = error.flatMap(posixCause) { return String(cString: strerror(cause)) }
    guard FileManager.default.isWritableFile(atPath: parent) else {
        return "\(parent): \(String(cString: strerror(EACCES)))"
    }
    return "the file system refused"
}

/// The POSIX error code Foundation recorded for `error`, directly or as its underlying error.
private func posixCause(_ error: any Error) -> Int32? {
    let error = error as NSError
    if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
    return (error.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap(posixCause)
}
