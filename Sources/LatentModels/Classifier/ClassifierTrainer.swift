import Foundation
import LatentData
import LatentDistributed
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
///
/// Given a ``ProcessGroup`` of several ranks it is data-parallel as ``VariationalTrainer`` is:
/// each rank takes its share of every batch's rows, the whole batch's gradient updates every
/// rank's copy, and each rank's dropout masks come from the seed, the step and the rank. The
/// ranks count the test set's correct answers in shares; rank 0 alone writes the run folder.
public final class ClassifierTrainer {
    /// The model being trained.
    public let model: Classifier
    /// The loop's settings.
    public let options: ClassifierTrainingOptions
    /// Where everything is written.
    public let folder: RunFolder
    /// The processes that train together (one, unless launched for data-parallel training).
    public let group: any ProcessGroup
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
        test: Dataset, dataset: String, folder: RunFolder, resuming: Bool,
        group: any ProcessGroup = SingleProcessGroup()
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
        self.group = group
        let trainingSet = options.trainingLimit.map { training.subset(0..<min($0, training.count)) } ?? training
        self.test = options.testLimit.map { test.subset(0..<min($0, test.count)) } ?? test
        loader = DataLoader(dataset: trainingSet, batchSize: options.batchSize, seed: options.seed)
        optimizer = Adam(learningRate: options.learningRate)
        if resuming {
            let saved = try folder.readConfiguration(sharedBy: group)
            guard saved.classifier == configuration else {
                throw RunError("--resume: \(folder.configurationURL.path) describes another model; resume with the same options, or with only --epochs to replay the run's own")
            }
            let counters = try folder.restoreCheckpoint(module: model, optimizers: ["adam": optimizer], sharedBy: group)
            completedEpochs = counters["epoch"] ?? 0
            step = counters["step"] ?? 0
            try folder.checkResumeTarget(options.epochs, done: completedEpochs, unit: "epochs", option: "--epochs")
            try folder.checkResumeDataset(dataset, saved: saved)  // on every rank, as each may throw
            // Rank 0 read config.json for every rank before it rewrites it.
            if group.isLeader { changedOnResume = try folder.rewriteConfiguration(runConfiguration, resumedFrom: saved) }
        } else if group.isLeader {
            try folder.writeConfiguration(runConfiguration)
        }
        group.synchronize(model)
    }

    /// The configuration recorded in `config.json`.
    public var runConfiguration: RunConfiguration {
        var configuration = RunConfiguration(model: "classifier", dataset: dataset)
        configuration.processes = group.size > 1 ? group.size : nil
        configuration.classifier = model.configuration
        configuration.classifierTraining = options
        return configuration
    }

    /// Runs the remaining epochs; returns the final test accuracy and timing.
    @discardableResult
    public func run(quiet: Bool = false) throws -> ClassifierSummary {
        let leads = group.isLeader
        let quiet = quiet || !leads
        let log = leads ? try MetricsLog(url: folder.metricsURL, continuingFrom: step) : nil
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
                let (loss, batchCorrect) = try takeStep(batch)
                step += 1
                correct += batchCorrect
                seen += batch.examples.shape[0]
                if step % options.logEvery == 0 {
                    log?.append([("step", .integer(step)), ("epoch", .integer(completedEpochs + 1)),
                                 ("split", .text("train")), ("loss", .number(Double(loss)))])
                }
                if !quiet {
                    progress.update(step: step, values: [("loss", loss), ("acc", Float(correct) / Float(max(seen, 1)))])
                }
            }
            completedEpochs += 1
            epochSeconds.append(Date().timeIntervalSince(epochStart))
            accuracy = sharedTestAccuracy()
            // The other ranks go on to the next epoch and wait for rank 0 at its first batch.
            guard leads else { continue }
            log?.append([("step", .integer(step)), ("epoch", .integer(completedEpochs)), ("split", .text("test")),
                        ("train_accuracy", .number(Double(correct) / Double(max(seen, 1)))),
                        ("test_accuracy", .number(Double(accuracy))), ("epoch_seconds", .number(epochSeconds.last!))])
            if !quiet {
                progress.note("epoch \(completedEpochs)/\(options.epochs): test accuracy "
                    + String(format: "%.4f", accuracy) + " (" + ProgressReporter.duration(epochSeconds.last!) + ")")
            }
            try folder.saveCheckpoint(module: model, optimizers: ["adam": optimizer],
                                      counters: ["epoch": completedEpochs, "step": step])
        }
        if accuracy.isNaN { accuracy = sharedTestAccuracy() }
        let summary = ClassifierSummary(epochs: completedEpochs, testAccuracy: accuracy, epochSeconds: epochSeconds)
        guard leads else { return summary }
        try RunReport.write(
            to: folder.url, title: "Latent run: classifier on \(dataset)",
            configuration: String(decoding: try runConfiguration.encodedJSON(), as: UTF8.self),
            curves: [("Training loss", ["loss"]), ("Accuracy per epoch", ["test_accuracy", "train_accuracy"])],
            images: [], summary: summary.rows)
        return summary
    }

    /// ``testAccuracy()``, on several ranks each counting its share of the test set.
    private func sharedTestAccuracy() -> Float {
        guard group.size > 1 else { return testAccuracy() }
        guard let labels = test.labels, test.count > 0 else { return .nan }
        let share = group.share(of: test.count)
        let predicted = share.isEmpty ? [] : model.predictions(test.subset(share).examples)
        let correct = zip(predicted, labels[share]).filter { $0 == $1 }.count
        return Float(group.sum([Double(correct)])[0]) / Float(test.count)
    }

    /// Updates the model on one batch (this rank's share of its rows, the whole batch's
    /// gradient); returns the batch's mean loss and its correctly classified count, over every
    /// rank's rows. The ranks add up their losses first, so that all stop together on one that
    /// is not finite.
    private func takeStep(_ batch: Batch) throws -> (loss: Float, correct: Int) {
        let count = batch.examples.shape[0], rows = group.share(of: count)
        let parameters = model.trainableParameters
        var loss: Tensor?
        var sums = [0.0, 0.0]
        if !rows.isEmpty {
            if group.size > 1 {
                model.dropout.generator = SplitMix64(seed: options.seed).derived(0xC1A5_0000_0000 &+ UInt64(step))
                    .forRank(of: group)
            }
            let labels = Array(batch.labels![rows])
            let logits = model(group.size == 1 ? batch.examples : batch.examples.sliced(rows, alongAxis: 0))
            loss = crossEntropy(logits: logits, labels: labels)
            let correct = zip(logits.argmax(alongAxis: 1), labels).filter { $0 == $1 }.count
            sums = [Double(loss!.scalar) * Double(rows.count), Double(correct)]
        }
        sums = group.sum(sums)
        let meanLoss = Float(sums[0] / Double(count))
        guard meanLoss.isFinite else {
            throw RunError("the loss became \(meanLoss) at step \(step + 1); stopped; \(folder.keptCheckpointNote(for: group))")
        }
        let gradients = loss.map { $0.gradients(withRespectTo: parameters.map(\.value)) }
            ?? parameters.map { Tensor(zeros: $0.shape) }
        optimizer.update(parameters, with: group.combinedGradients(gradients, weight: Float(rows.count) / Float(count)))
        return (meanLoss, Int(sums[1]))
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
