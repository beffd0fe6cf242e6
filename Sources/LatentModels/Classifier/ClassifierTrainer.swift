import Foundation
import LatentData
import LatentNN
import LatentOptimizers
import LatentTensor

/// The classifier's training loop settings; stored in `config.json`.
public struct ClassifierTrainingOptions: Codable, Equatable, Sendable {
    /// Passes over the training set.
    public var epochs = 5
    /// Examples per step.
    public var batchSize = 128
    /// Adam's step size in the first epoch.
    public var learningRate: Float = 1e-3
    /// The learning rate is multiplied by this after every epoch (PyTorch's MNIST example: 0.7).
    public var learningRateDecay: Float = 0.7
    /// Seeds initialisation, shuffling and dropout.
    public var seed: UInt64 = 1
    /// Steps between training records in `metrics.jsonl`.
    public var logEvery = 100
    /// Use only the first this-many training examples.
    public var trainingLimit: Int?
    /// Evaluate on only the first this-many test examples.
    public var testLimit: Int?

    /// Five epochs of Adam from 1e-3, decayed by 0.7 per epoch, batch 128.
    public init() {}
}

/// Trains a ``Classifier`` with cross-entropy and Adam and keeps its run folder.
public final class ClassifierTrainer {
    /// The model being trained.
    public let model: Classifier
    /// The loop's settings.
    public let options: ClassifierTrainingOptions
    /// Where everything is written.
    public let folder: RunFolder
    private let optimizer: Adam
    private let loader: DataLoader
    private let test: Dataset
    private let dataset: String
    private var completedEpochs = 0
    private var step = 0
    /// The training options a resumed run takes that differ from its `config.json` (`key: old →
    /// new`); `config.json` is rewritten with the options in force. Empty for a new run.
    public private(set) var changedOnResume: [String] = []

    /// Prepares a run, or restores it from `folder` when `resuming`.
    public init(
        configuration: ClassifierConfiguration, options: ClassifierTrainingOptions, training: Dataset,
        test: Dataset, dataset: String, folder: RunFolder, resuming: Bool
    ) throws {
        guard training.labels != nil, test.labels != nil else {
            throw RunError("the classifier needs labelled data; \(dataset) has no labels")
        }
        guard training.exampleShape == configuration.imageShape else {
            throw RunError("data of shape \(training.exampleShape) does not match the classifier's \(configuration.imageShape)")
        }
        var generator = SplitMix64(seed: options.seed)
        model = Classifier(configuration, using: &generator)
        self.options = options
        self.folder = folder
        self.dataset = dataset
        let trainingSet = options.trainingLimit.map { training.subset(0..<min($0, training.count)) } ?? training
        self.test = options.testLimit.map { test.subset(0..<min($0, test.count)) } ?? test
        loader = DataLoader(dataset: trainingSet, batchSize: options.batchSize, seed: options.seed)
        optimizer = Adam(learningRate: options.learningRate)
        if resuming {
            let saved = try folder.readConfiguration()
            guard saved.classifier == configuration else {
                throw RunError("--resume: \(folder.configurationURL.path) describes another model; resume with the same options, or with only --epochs to replay the run's own")
            }
            let counters = try Checkpoint.restore(module: model, optimizers: ["adam": optimizer], from: folder.url)
            completedEpochs = counters["epoch"] ?? 0
            step = counters["step"] ?? 0
            try folder.checkResumeTarget(options.epochs, done: completedEpochs, unit: "epochs", option: "--epochs")
            changedOnResume = try folder.rewriteConfiguration(runConfiguration, resumedFrom: saved)
        } else {
            try folder.writeConfiguration(runConfiguration)
        }
    }

    /// The configuration recorded in `config.json`.
    public var runConfiguration: RunConfiguration {
        var configuration = RunConfiguration(model: "classifier", dataset: dataset)
        configuration.classifier = model.configuration
        configuration.classifierTraining = options
        return configuration
    }

    /// Runs the remaining epochs; returns the final test accuracy and timing.
    @discardableResult
    public func run(quiet: Bool = false) throws -> ClassifierSummary {
        let log = try MetricsLog(url: folder.metricsURL, continuingFrom: step)
        let progress = ProgressReporter(
            total: options.epochs * loader.batchCount, first: completedEpochs * loader.batchCount, label: "classifier")
        var accuracy: Float = .nan
        var epochSeconds: [Double] = []
        while completedEpochs < options.epochs {
            let epochStart = Date()
            optimizer.learningRate = options.learningRate * pow(options.learningRateDecay, Float(completedEpochs))
            model.train()
            var correct = 0, seen = 0
            for batch in loader.batches(epoch: completedEpochs) {
                let labels = batch.labels!
                let logits = model(batch.examples)
                let loss = crossEntropy(logits: logits, labels: labels)
                guard loss.scalar.isFinite else {
                    throw RunError("the loss became \(loss.scalar) at step \(step + 1); stopped; \(folder.keptCheckpointNote)")
                }
                let parameters = model.trainableParameters
                optimizer.update(parameters, with: loss.gradients(withRespectTo: parameters.map(\.value)))
                step += 1
                correct += zip(logits.argmax(alongAxis: 1), labels).filter { $0 == $1 }.count
                seen += labels.count
                if step % options.logEvery == 0 {
                    log.append([("step", .integer(step)), ("epoch", .integer(completedEpochs + 1)),
                                ("split", .text("train")), ("loss", .number(Double(loss.scalar)))])
                }
                if !quiet {
                    progress.update(step: step, values: [("loss", loss.scalar), ("acc", Float(correct) / Float(max(seen, 1)))])
                }
            }
            completedEpochs += 1
            epochSeconds.append(Date().timeIntervalSince(epochStart))
            accuracy = testAccuracy()
            log.append([("step", .integer(step)), ("epoch", .integer(completedEpochs)), ("split", .text("test")),
                        ("train_accuracy", .number(Double(correct) / Double(max(seen, 1)))),
                        ("test_accuracy", .number(Double(accuracy))), ("epoch_seconds", .number(epochSeconds.last!))])
            if !quiet {
                progress.note("epoch \(completedEpochs)/\(options.epochs): test accuracy "
                    + String(format: "%.4f", accuracy) + " (" + ProgressReporter.duration(epochSeconds.last!) + ")")
            }
            try folder.saveCheckpoint(module: model, optimizers: ["adam": optimizer],
                                      counters: ["epoch": completedEpochs, "step": step])
        }
        if accuracy.isNaN { accuracy = testAccuracy() }
        let summary = ClassifierSummary(epochs: completedEpochs, testAccuracy: accuracy, epochSeconds: epochSeconds)
        try RunReport.write(
            to: folder.url, title: "Latent run: classifier on \(dataset)",
            configuration: String(decoding: try runConfiguration.encodedJSON(), as: UTF8.self),
            curves: [("Training loss", ["loss"]), ("Accuracy per epoch", ["test_accuracy", "train_accuracy"])],
            images: [], summary: summary.rows)
        return summary
    }

    /// The fraction of test images classified correctly.
    public func testAccuracy() -> Float {
        ClassifierEvaluation.accuracy(model, on: test)
    }
}

/// What a finished classifier run reports.
public struct ClassifierSummary: Sendable {
    public let epochs: Int
    public let testAccuracy: Float
    public let epochSeconds: [Double]

    /// The summary as table rows.
    public var rows: [(String, String)] {
        [("epochs", "\(epochs)"), ("test accuracy", String(format: "%.4f", testAccuracy)),
         ("seconds per epoch", epochSeconds.map { String(format: "%.1f", $0) }.joined(separator: ", "))]
    }
}

/// Accuracy of a classifier on labelled data.
public enum ClassifierEvaluation {
    /// The fraction of `data`'s examples whose predicted class equals the label.
    public static func accuracy(_ model: Classifier, on data: Dataset) -> Float {
        guard let labels = data.labels, data.count > 0 else { return .nan }
        let predicted = model.predictions(data.examples)
        return Float(zip(predicted, labels).filter { $0 == $1 }.count) / Float(data.count)
    }
}
