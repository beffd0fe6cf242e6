import ArgumentParser
import Foundation

/// Runs a command body, turning any error into one line on standard error and exit code 1.
func reportingErrors(_ command: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        FileHandle.standardError.write(Data("latent \(command): error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// Where `latent sample` writes its samples: a PNG (a grid of images, a scatter plot of 2-D
/// points), a NumPy `.npy` file, or a `.csv` of 2-D points.
enum OutputFormat {
    case png, npy, csv

    /// The format named by the file's extension.
    init(path: String) throws {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "png": self = .png
        case "npy": self = .npy
        case "csv": self = .csv
        default:
            throw ValidationError("--out must end in .png (an image grid, or a scatter plot of 2-D points), .npy "
                + "(a NumPy array) or .csv (2-D points, x,y per line), got '\(path)'")
        }
    }
}

extension OutputFormat {
    /// Refuses an output file that is not a `.png`, for the commands that write only pictures.
    static func requirePNG(_ path: String, option: String = "--out") throws {
        guard URL(fileURLWithPath: path).pathExtension.lowercased() == "png" else {
            throw ValidationError("\(option) must be a .png file, got '\(path)'")
        }
    }
}
