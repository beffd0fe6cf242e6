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
        throw DataError.cannotWrite(path: path, detail: "\(error.localizedDescription)")
    }
}
