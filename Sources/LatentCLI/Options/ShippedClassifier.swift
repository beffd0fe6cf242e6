import Foundation
import LatentModels

/// The MNIST classifier shipped in `Models/mnist-classifier`, whose features evaluate samples.
enum ShippedClassifier {
    static let folderName = "Models/mnist-classifier"

    /// Loads the classifier from `path`, or finds the shipped one: beside the executable or the
    /// current directory, or in one of their parents (a checkout's build folder).
    static func load(_ path: String?) throws -> Classifier {
        let folder = try path ?? locate()
        guard case .classifier(let model) = try TrainedRun(path: folder).model else {
            throw RunError("--classifier \(folder) does not hold a classifier run")
        }
        return model
    }

    static func locate() throws -> String {
        var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        for start in starts {
            var directory = start
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent(folderName)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("config.json").path) {
                    return candidate.path
                }
                directory.deleteLastPathComponent()
            }
        }
        throw RunError("cannot find \(folderName) (searched the current directory, the executable's directory and their parents); pass --classifier <run folder>")
    }
}
