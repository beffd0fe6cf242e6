import ArgumentParser
import Foundation
import LatentData
import LatentDistributed
import LatentModels
import LatentNN

extension TrainCommand {
    /// `latent train classifier`: the MNIST classifier whose features evaluate generated images.
    func trainClassifier(arguments: [String]?, continuing saved: RunConfiguration? = nil) throws {
        let training = try DataLoading.load(data, split: .train)
        let test = try DataLoading.load(data, split: .test)
        // A resume with only continuation options keeps the run's own model and options.
        let configuration = saved?.classifier ?? {
            var configuration = ClassifierConfiguration()
            configuration.architecture = classifierArchitecture
            configuration.imageShape = training.exampleShape
            configuration.classCount = training.classCount ?? 10
            if classifierArchitecture == .mlp { configuration.featureCount = 256; configuration.dropout = 0 }
            if let classifierFeatures { configuration.featureCount = classifierFeatures }
            if let classifierDropout { configuration.dropout = classifierDropout }
            // Standardise by the training set's own statistics (for MNIST, 0.1307 and 0.3081).
            let statistics = training.examples.withUnsafeScalars { values -> (Float, Float) in
                let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
                let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(values.count, 1))
                return (Float(mean), Float(max(variance.squareRoot(), 1e-6)))
            }
            configuration.inputMean = statistics.0
            configuration.inputStandardDeviation = statistics.1
            return configuration
        }()
        try configuration.validate()
        var options: ClassifierTrainingOptions
        if let savedOptions = saved?.classifierTraining {
            options = savedOptions
            if let epochs { options.epochs = epochs }
        } else {
            options = ClassifierTrainingOptions()
            options.epochs = epochs ?? 5
            options.batchSize = batchSize ?? 128
            options.learningRate = learningRate ?? 1e-3
            options.learningRateDecay = learningRateDecay
            options.seed = seed
            options.trainingLimit = trainingLimit
            options.testLimit = testLimit
        }
        if let logEvery { options.logEvery = logEvery }
        let world = try MPIProcessGroup.world()
        guard let (trainer, folder) = try setUpRun(
            batchSize: options.batchSize, world: world, arguments: arguments, continuing: saved, { folder in
                try ClassifierTrainer(
                    configuration: configuration, options: options, training: training, test: test,
                    dataset: data.dataset, folder: folder, resuming: resume, group: world)
            })
        else { return }
        let summary = try trainer.run()
        print(String(format: "test accuracy %.4f after %d epochs (%@ s per epoch); run folder %@",
                     summary.testAccuracy, summary.epochs,
                     summary.epochSeconds.map { String(format: "%.1f", $0) }.joined(separator: ", "), folder.url.path))
        if json {
            print(JSONText.object([
                ("run", .text(folder.url.path)), ("model", .text("classifier")), ("epochs", .integer(summary.epochs)),
                ("test_accuracy", .number(Double(summary.testAccuracy))),
                ("seconds_per_epoch", .number(summary.epochSeconds.reduce(0, +) / Double(max(summary.epochSeconds.count, 1)))),
            ]))
        }
    }
}

extension ClassifierConfiguration.Architecture: ExpressibleByArgument {}
