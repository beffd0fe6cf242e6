import LatentData
import LatentModels

/// The data a command shows a trained variational model, checked against the model.
enum RunData {
    /// The test split of the run's dataset.
    ///
    /// - Throws: ``RunError`` in one line when its examples are not of the model's shape (the
    ///   dataset in `config.json`, or the files, changed since training), or when a conditional
    ///   model's labels are missing or outside its classes; `DataError` for missing data.
    static func test(of trained: TrainedRun, dataDirectory: String?) throws -> Dataset {
        let dataset = trained.configuration.dataset
        let test = try DataSource(parsing: dataset).load(.test, dataDirectory: dataDirectory)
        try check(test, of: dataset, against: trained)
        return test
    }

    /// Refuses examples of `dataset` that are not of the run's model's shape, and a conditional
    /// model's or a classifier's labels that are missing or outside its classes, in one line.
    static func check(_ examples: Dataset, of dataset: String, against trained: TrainedRun) throws {
        let run = trained.folder.url.path
        let shape = trained.exampleShape
        guard examples.exampleShape == shape else {
            throw RunError("the test examples of \(dataset) have shape \(examples.exampleShape) but the model in \(run) "
                + "takes \(shape): the dataset in config.json or its files changed since training")
        }
        if let classes = trained.classCount {
            guard let labels = examples.labels else {
                throw RunError("\(dataset) has no labels; the model in \(run) knows \(classes) classes")
            }
            if let label = labels.first(where: { !(0..<classes).contains($0) }) {
                throw RunError("\(dataset) has label \(label); the model in \(run) knows the classes 0..<\(classes)")
            }
        }
    }
}
