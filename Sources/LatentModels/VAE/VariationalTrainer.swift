import Foundation
import LatentData
import LatentDistributed
import LatentNN
import LatentOptimizers
import LatentTensor

/// Trains a variational model and keeps its run folder: checkpoints, metrics, pictures, report.
///
/// Each epoch draws its shuffling, binarisation and sampling noise from generators derived from
/// the seed and the epoch number. A checkpoint records the batches already taken in the epoch
/// and the state of its noise generator, so a run resumed from any checkpoint, mid-epoch
/// included, continues exactly as an uninterrupted one would.
///
/// Given a ``ProcessGroup`` of several ranks, the trainer is data-parallel: every rank draws the
/// same batches, takes its own share of each batch's rows, and the ranks' gradients are combined
/// into the whole batch's before each update, so every rank holds the same model. A rank's
/// sampling noise then comes from the seed, the step and the rank (so a resume is exact for any
/// number of ranks); BatchNorm's statistics are each rank's own rows', as PyTorch's
/// `DistributedDataParallel` without `SyncBatchNorm`. The ranks measure the test set in shares
/// and add up; rank 0 alone writes the run folder and draws. On resuming, rank 0 reads
/// `config.json` and the checkpoint and passes them to the others.
public final class VariationalTrainer {
    /// The model being trained.
    public let model: VariationalAutoencoder
    /// The loop's settings.
    public let options: VariationalTrainingOptions
    /// Where everything is written.
    public let folder: RunFolder
    /// The optimiser.
    public let optimizer: Adam
    /// The processes that train together (one, unless launched for data-parallel training).
    public let group: any ProcessGroup
    private let training: Dataset
    private let test: Dataset
    private let loader: DataLoader
    private let dataset: String
    private(set) var completedEpochs = 0
    private(set) var step = 0
    private var baseline: Float = 0
    /// The current epoch's position and sampling noise, and its running training loss: what a
    /// mid-epoch checkpoint needs to continue the epoch exactly.
    private var batchesTakenInEpoch = 0
    private var noise = SplitMix64(seed: 0)
    private var epochLoss = 0.0, epochCount = 0
    /// For tests: `run` stops with a ``RunError`` right after this step, writing nothing more,
    /// as a process killed there would.
    var interruptionStep: Int?
    /// The training options a resumed run takes that differ from its `config.json` (`key: old →
    /// new`); `config.json` is rewritten with the options in force. Empty for a new run.
    public private(set) var changedOnResume: [String] = []

    /// Prepares a run: builds the model and the data protocol, or restores both from `folder`.
    ///
    /// - Parameters:
    ///   - configuration: the model to build.
    ///   - options: the training loop's settings.
    ///   - training: the training set (in [0, 1] for a Bernoulli-type likelihood or a binarised
    ///     protocol).
    ///   - test: the held-out set the reported loss is measured on.
    ///   - dataset: the dataset's specification, recorded in `config.json`.
    ///   - folder: the run folder; when it holds a checkpoint and `resuming`, training continues.
    ///   - group: the processes that train together; each takes its share of every batch.
    /// - Throws: ``ConfigurationError`` for an impossible model, ``DataRangeError`` for data
    ///   outside [0, 1] that the likelihood or protocol needs inside it, ``RunError`` otherwise.
    public init(
        configuration: VariationalConfiguration, options: VariationalTrainingOptions,
        training: Dataset, test: Dataset, dataset: String, folder: RunFolder, resuming: Bool,
        group: any ProcessGroup = SingleProcessGroup()
    ) throws {
        try configuration.validate()
        guard training.exampleShape == configuration.imageShape, test.exampleShape == configuration.imageShape else {
            throw RunError("data of shape \(training.exampleShape) does not match the model's \(configuration.imageShape)")
        }
        try VariationalTrainer.checkValueRange(
            of: [training, test], dataset: dataset, likelihood: configuration.likelihood,
            dataProtocol: options.dataProtocol)
        self.options = options
        self.folder = folder
        self.dataset = dataset
        self.group = group
        var generator = SplitMix64(seed: options.seed)
        model = VariationalAutoencoder(configuration, using: &generator)
        var trainingSet = options.trainingLimit.map { training.subset(0..<min($0, training.count)) } ?? training
        var testSet = options.testLimit.map { test.subset(0..<min($0, test.count)) } ?? test
        // The test set is binarised once with a fixed seed under both binarised protocols.
        if options.dataProtocol != .intensities { testSet = VariationalTrainer.binarizedTestSet(testSet) }
        if options.dataProtocol == .staticBinarized {
            var binarizer = SplitMix64(seed: options.seed).derived(0xB1)
            trainingSet = trainingSet.bernoulliSampled(using: &binarizer)
        }
        self.training = trainingSet
        self.test = testSet
        loader = DataLoader(
            dataset: trainingSet, batchSize: options.batchSize, shuffles: true, dropsLast: false,
            binarization: options.dataProtocol == .dynamicBinarized ? .dynamic : nil, seed: options.seed)
        optimizer = Adam(learningRate: options.learningRate, epsilon: options.adamEpsilon)
        if options.initializesOutputBias {
            model.initializeOutputBias(pixelMeans: trainingSet.examples.mean(alongAxis: 0).reshaped(to: [-1]))
        }
        if resuming {
            try restore()
        } else if group.isLeader {
            try folder.writeConfiguration(runConfiguration)
        }
        group.synchronize(model)
    }

    /// The test set binarised once with a fixed seed, as both binarised protocols evaluate on.
    public static func binarizedTestSet(_ test: Dataset) -> Dataset {
        var generator = SplitMix64(seed: 0x7E57)
        return test.bernoulliSampled(using: &generator)
    }

    /// The configuration recorded in `config.json`.
    public var runConfiguration: RunConfiguration {
        var configuration = RunConfiguration(
            model: model.configuration.kind.rawValue, dataset: dataset, variational: model.configuration,
            variationalTraining: options)
        configuration.processes = group.size > 1 ? group.size : nil
        return configuration
    }

    /// Runs the remaining epochs, writing metrics, checkpoints and pictures as it goes.
    ///
    /// - Throws: ``RunError`` when the training or test loss, or at a checkpoint a weight or an
    ///   optimiser moment, stops being finite (the last good checkpoint is kept), or a file
    ///   cannot be written.
    @discardableResult
    public func run(quiet: Bool = false) throws -> VariationalSummary {
        let leads = group.isLeader
        let quiet = quiet || !leads
        let log = leads ? try MetricsLog(url: folder.metricsURL, continuingFrom: step) : nil
        let totalSteps = options.epochs * loader.batchCount
        let progress = ProgressReporter(
            total: totalSteps, first: step, label: model.configuration.kind.rawValue)
        let start = Date()
        var lastTest = VariationalEvaluation(negativeELBO: .nan, reconstruction: .nan, kl: .nan, count: 0)
        while completedEpochs < options.epochs {
            let epoch = completedEpochs
            optimizer.learningRate = options.schedule.learningRate(
                epoch: epoch, base: options.learningRate, final: options.finalLearningRate ?? options.learningRate / 10, epochs: options.epochs)
            if batchesTakenInEpoch == 0 {
                noise = epochNoise(epoch)
                epochLoss = 0
                epochCount = 0
            }
            model.train()
            // After a mid-epoch checkpoint the batches already taken are drawn again and dropped:
            // the order is the epoch's, and dynamic binarisation replays their draws.
            var batches = loader.batches(epoch: epoch)
            for _ in 0..<batchesTakenInEpoch { _ = batches.next() }
            while let batch = batches.next() {
                let measured = try takeStep(batch, epoch: epoch)
                step += 1
                batchesTakenInEpoch += 1
                let bound = measured.bound
                epochLoss += Double(bound) * Double(batch.examples.shape[0])
                epochCount += batch.examples.shape[0]
                if step % options.logEvery == 0 {
                    log?.append(trainingRecord(epoch: epoch, measured: measured))
                }
                if !quiet {
                    progress.update(step: step, values: [("loss", bound), ("epoch", Float(epoch + 1))])
                }
                if leads && options.checkpointEvery > 0 && step % options.checkpointEvery == 0 {
                    try saveCheckpoint()
                }
                if step == interruptionStep { throw RunError("interrupted after step \(step)") }
            }
            completedEpochs += 1
            batchesTakenInEpoch = 0
            lastTest = evaluateTest()
            log?.append([
                ("step", .integer(step)), ("epoch", .integer(completedEpochs)), ("split", .text("test")),
                ("train_loss", .number(epochLoss / Double(max(epochCount, 1)))),
                ("test_loss", .number(Double(lastTest.negativeELBO))),
                ("test_reconstruction", .number(Double(lastTest.reconstruction))),
                ("test_kl", .number(Double(lastTest.kl))),
                ("learning_rate", .number(Double(optimizer.learningRate))),
                ("seconds", .number(Date().timeIntervalSince(start))),
            ])
            // Every rank has the same test loss, so all stop together.
            guard lastTest.negativeELBO.isFinite else {
                throw RunError("the test loss became \(lastTest.negativeELBO) after epoch \(completedEpochs) "
                    + "(step \(step)); stopped; \(folder.keptCheckpointNote(for: group))")
            }
            // The other ranks go on to the next epoch and wait for rank 0 at its first batch.
            guard leads else { continue }
            if !quiet {
                progress.note("epoch \(completedEpochs)/\(options.epochs): train loss "
                    + String(format: "%.2f", epochLoss / Double(max(epochCount, 1)))
                    + ", test loss " + String(format: "%.2f", lastTest.negativeELBO) + " nats")
            }
            try saveCheckpoint()
            if options.sampleEvery > 0 && completedEpochs % options.sampleEvery == 0 {
                if let picture = try VariationalPictures.writeSamples(
                    model: model, to: folder.file(String(format: "samples-epoch-%03d.png", completedEpochs)),
                    seed: options.seed)
                {
                    log?.appendImage(picture, tag: "samples", step: step)
                }
            }
        }
        if lastTest.count == 0 { lastTest = evaluateTest() }
        guard leads else {
            return VariationalSummary(
                epochs: completedEpochs, steps: step, test: lastTest, seconds: Date().timeIntervalSince(start))
        }
        try VariationalPictures.writeAll(model: model, test: test, folder: folder, seed: options.seed)
        let summary = VariationalSummary(
            epochs: completedEpochs, steps: step, test: lastTest, seconds: Date().timeIntervalSince(start))
        try writeReport(summary)
        return summary
    }

    /// The negative ELBO and its terms on a dataset, nats per example, without gradients.
    public func evaluate(on data: Dataset) -> VariationalEvaluation {
        VariationalEvaluation.measure(model, on: data, seed: options.seed)
    }

    /// The test set's figures: on several ranks each measures its share (with noise of its own)
    /// and the sums are added up, so the ranks share the work and agree on the result.
    private func evaluateTest() -> VariationalEvaluation {
        guard group.size > 1 else { return evaluate(on: test) }
        let share = test.subset(group.share(of: test.count))
        let sums = VariationalEvaluation.summed(
            model, on: share, seed: SplitMix64(seed: options.seed).derived(0xE7A1_0000 &+ UInt64(group.rank)).state)
        let total = group.sum([sums.reconstruction, sums.kl])
        return VariationalEvaluation(reconstructionSum: total[0], klSum: total[1], count: test.count)
    }

    private func trainingRecord(epoch: Int, measured: StepMeasures) -> [(String, MetricValue)] {
        var record: [(String, MetricValue)] = [
            ("step", .integer(step)), ("epoch", .integer(epoch + 1)), ("split", .text("train")),
            ("loss", .number(Double(measured.bound))),
        ]
        if measured.kl.isFinite {
            record.append(("reconstruction", .number(Double(measured.reconstruction))))
            record.append(("kl", .number(Double(measured.kl))))
        }
        return record
    }

    /// What one step measured on the whole batch (over every rank's rows).
    struct StepMeasures {
        var bound: Float
        var reconstruction: Float
        var kl: Float
    }

    /// Updates the model on one batch: this rank's share of its rows, the whole batch's gradient.
    ///
    /// The ranks first add up their losses, so that all of them stop together on one that is
    /// not finite; then their gradients. With one process the sums are the losses themselves
    /// (a Float times a row count and back is exact in Double).
    private func takeStep(_ batch: Batch, epoch: Int) throws -> StepMeasures {
        let count = batch.examples.shape[0]
        let rows = group.share(of: count)
        let parameters = model.trainableParameters
        var objective: VariationalObjective?
        var sums = [Double](repeating: 0, count: 5)
        if !rows.isEmpty {
            let baseline = model.configuration.usesBaseline ? self.baseline : 0
            if group.size == 1 {
                objective = model.objective(batch.examples, labels: batch.labels, baseline: baseline, using: &noise)
            } else {
                var rankNoise = SplitMix64(seed: options.seed).derived(0xD47A_0000_0000 &+ UInt64(step))
                    .forRank(of: group)
                objective = model.objective(
                    batch.examples.sliced(rows, alongAxis: 0), labels: batch.labels.map { Array($0[rows]) },
                    baseline: baseline, using: &rankNoise)
            }
            let measures = [objective!.loss, objective!.bound, objective!.reconstruction, objective!.kl]
                .map(\.scalar) + [objective!.signal]
            sums = measures.map { Double($0) * Double(rows.count) }
        }
        sums = group.sum(sums).map { $0 / Double(count) }
        let loss = Float(sums[0])
        guard loss.isFinite else {
            throw RunError("the loss became \(loss) at step \(step + 1) (epoch \(epoch + 1)); "
                + "stopped; \(folder.keptCheckpointNote(for: group))")
        }
        let gradients = objective.map { $0.loss.gradients(withRespectTo: parameters.map(\.value)) }
            ?? parameters.map { Tensor(zeros: $0.shape) }
        optimizer.update(parameters, with: group.combinedGradients(gradients, weight: Float(rows.count) / Float(count)))
        baseline = 0.9 * baseline + 0.1 * Float(sums[4])
        return StepMeasures(bound: Float(sums[1]), reconstruction: Float(sums[2]), kl: Float(sums[3]))
    }

    // MARK: - Checkpoints

    /// The sampling noise of `epoch` from its start.
    private func epochNoise(_ epoch: Int) -> SplitMix64 {
        SplitMix64(seed: options.seed).derived(UInt64(epoch) &+ 0x5EED)
    }

    private func saveCheckpoint() throws {
        // `epoch` counts completed epochs and `batch` the batches taken in the next one; the
        // score-function baseline, the epoch's training loss and the noise generator travel as
        // bit patterns, so a resume is exact.
        try folder.saveCheckpoint(
            module: model, optimizers: ["adam": optimizer],
            counters: [
                "epoch": completedEpochs, "step": step, "batch": batchesTakenInEpoch,
                "baseline_bits": Int(baseline.bitPattern),
                "noise_state": Int(truncatingIfNeeded: noise.state),
                "epoch_loss_bits": Int(truncatingIfNeeded: epochLoss.bitPattern), "epoch_examples": epochCount,
            ])
    }

    private func restore() throws {
        let saved = try folder.readConfiguration(sharedBy: group)
        guard saved.variational == model.configuration else {
            throw RunError("--resume: \(folder.configurationURL.path) describes another model (\(saved.model)); "
                + "resume with the same model options, or with only --epochs to replay the run's own")
        }
        let counters = try folder.restoreCheckpoint(module: model, optimizers: ["adam": optimizer], sharedBy: group)
        completedEpochs = counters["epoch"] ?? 0
        step = counters["step"] ?? 0
        baseline = Float(bitPattern: UInt32(truncatingIfNeeded: counters["baseline_bits"] ?? 0))
        // The batches already taken in the epoch are skipped only when the epoch is cut into
        // the same batches as before; with another batch size or training limit it starts over.
        // Checkpoints written before the batch counter existed: the step says where the epoch
        // stood; its noise and running loss restart (the parts not repeated exactly).
        let sameBatches = saved.variationalTraining.map {
            $0.batchSize == options.batchSize && $0.trainingLimit == options.trainingLimit
        } ?? false
        batchesTakenInEpoch = !sameBatches ? 0 : counters["batch"]
            ?? min(max(step - completedEpochs * loader.batchCount, 0), loader.batchCount)
        if batchesTakenInEpoch > 0 {
            noise = counters["noise_state"].map { SplitMix64(state: UInt64(truncatingIfNeeded: $0)) }
                ?? epochNoise(completedEpochs)
            epochLoss = Double(bitPattern: UInt64(truncatingIfNeeded: counters["epoch_loss_bits"] ?? 0))
            epochCount = counters["epoch_examples"] ?? 0
        }
        try folder.checkResumeTarget(options.epochs, done: completedEpochs, unit: "epochs", option: "--epochs")
        try folder.checkResumeDataset(dataset, saved: saved)  // on every rank, as each may throw
        // Rank 0 read config.json for every rank before it rewrites it.
        if group.isLeader { changedOnResume = try folder.rewriteConfiguration(runConfiguration, resumedFrom: saved) }
    }

    private func writeReport(_ summary: VariationalSummary) throws {
        let configuration = String(decoding: try runConfiguration.encodedJSON(), as: UTF8.self)
        try RunReport.write(
            to: folder.url, title: "Latent run: \(model.configuration.kind.rawValue) on \(dataset)",
            configuration: configuration,
            curves: [("Training loss (nats per image)", ["loss"]),
                     ("Test loss per epoch (nats per image)", ["test_loss", "train_loss"]),
                     ("ELBO terms (training)", ["reconstruction", "kl"])],
            images: [("samples.png", "samples from the prior"), ("reconstructions.png", "test images (odd rows) and reconstructions"),
                     ("interpolation.png", "interpolations between test codes")],
            summary: summary.rows)
    }
}

/// What a finished training run reports.
public struct VariationalSummary: Sendable {
    public let epochs: Int
    public let steps: Int
    public let test: VariationalEvaluation
    public let seconds: Double

    /// The summary as table rows.
    public var rows: [(String, String)] {
        [("epochs", "\(epochs)"), ("steps", "\(steps)"),
         ("test loss (−ELBO, nats/image)", String(format: "%.2f", test.negativeELBO)),
         ("test reconstruction (nats/image)", String(format: "%.2f", test.reconstruction)),
         ("test KL (nats/image)", String(format: "%.2f", test.kl)),
         ("training time", ProgressReporter.duration(seconds))]
    }
}
