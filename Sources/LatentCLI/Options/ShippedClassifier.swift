import Foundation
import LatentData
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

    /// Loads the classifier for the features of examples shaped `exampleShape`.
    ///
    /// - Throws: ``ClassifierShapeError`` when the classifier reads images of another shape
    ///   (the convolutions would stop the process on them).
    static func load(_ path: String?, reading exampleShape: [Int], of dataset: String, for purpose: String) throws
        -> Classifier
    {
        let folder = try path ?? locate()
        let model = try load(folder)
        guard model.configuration.imageShape == exampleShape else {
            throw ClassifierShapeError(purpose: purpose, classifierFolder: folder, classifierShape: model.configuration.imageShape,
                                       dataset: dataset, exampleShape: exampleShape)
        }
        return model
    }

    static func locate() throws -> String {
        // The executable's own folder from /proc/self/exe: `latent` started by its name on the
        // PATH has no folder in its arguments.
        let starts = [FileManager.default.currentDirectoryPath, DataDirectory.executableDirectory()]
            .compactMap { $0 }.map { URL(fileURLWithPath: $0) }
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

/// The classifier whose features would score the examples reads images of another shape.
struct ClassifierShapeError: Error, CustomStringConvertible {
    /// What wanted the features (`--metrics frechet`).
    let purpose: String
    let classifierFolder: String
    let classifierShape: [Int]
    /// The data's specification (`folder:faces`).
    let dataset: String
    let exampleShape: [Int]

    var description: String {
        "\(purpose) scores examples by a classifier's features, but the classifier \(classifierFolder) reads "
            + "\(classifierShape) images and the examples of \(dataset) are \(exampleShape); pass --classifier "
            + "<run folder of a classifier trained on \(exampleShape) images> (latent train classifier --dataset "
            + "<labelled data of that shape>), or use metrics without a classifier (parzen, nearest-neighbours)"
    }
}
