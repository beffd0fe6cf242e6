import ArgumentParser
import Foundation
import LatentData
import LatentModels

/// Runs `body` of `latent data <command>`, turning a `DataError` or a `RunError` into its
/// one-line message on standard error (`latent data info: error: …`, as the other commands')
/// and exit status 1.
func reportingDataErrors(_ command: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DataError {
        FileHandle.standardError.write(Data(("latent data \(command): error: \(error.description)\n").utf8))
        throw ExitCode.failure
    } catch let error as RunError {
        FileHandle.standardError.write(Data(("latent data \(command): error: \(error.description)\n").utf8))
        throw ExitCode.failure
    }
}

/// Writes text to a file.
///
/// - Throws: `DataError.cannotWrite` when the file cannot be written.
func writeText(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw DataError.cannotWrite(path: path, detail: writeProblem(path, error))
    }
}
