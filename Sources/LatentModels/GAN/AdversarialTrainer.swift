import Foundation
import LatentData
import LatentDistributed
import LatentNN
import LatentOptimizers
import LatentTensor

/// Trains an adversarial model and keeps its run folder: checkpoints, metrics, pictures, report.
///
/// Step `s` draws its noise, interpolation weights and dropout masks from a generator derived
/// from the seed and `s`, and its real batches by their global index in the seeded epoch
/// orders, so a run resumed from any checkpoint continues exactly as an uninterrupted one.
///
/// Given a ``ProcessGroup`` of several ranks, the trainer is data-parallel as
/// ``VariationalTrainer`` is: each rank takes an equal share of every real batch and draws its
/// own noise (from the seed, the step and the rank), and each D and G update applies the mean
/// of the ranks' gradients. Statistics over a batch (BatchNorm, the minibatch standard
/// deviation, feature matching's means) are each rank's own rows', as under PyTorch's
/// `DistributedDataParallel`, unless ``AdversarialTrainingOptions/synchronizedBatchNorm``
/// makes BatchNorm's the whole batch's. Rank 0 alone writes the run folder.
public final class AdversarialTrainer {
    /// The model being trained.
    public let model: AdversarialNetwork
    /// The loop's settings.
    public let options: AdversarialTrainingOptions
    /// Where everything is written.
    public let folder: RunFolder
    /// G's optimiser.
    public let generatorOptimizer: any Optimizer
    /// D's optimiser.
    public let discriminatorOptimizer: any Optimizer
    /// The processes that train together (one, unless launched for data-parallel training).
    public let group: any ProcessGroup
    /// The training data in model space.
    let training: Dataset
    private let loader: DataLoader
    private let dataset: String
    private var cachedOrder: (epoch: Int, order: [Int])?
    /// Generator steps taken.
    public private(set) var step = 0
    /// The training options a resumed run takes that differ from its `config.json` (`key: old →
    /// new`); `config.json` is rewritten with the options in force. Empty for a new run.
    public private(set) var changedOnResume: [String] = []
    /// The step at which the averaged generator's BatchNorm statistics were last re-estimated.
    private var averageStatisticsStep = -1

    /// Prepares a run: builds the model, or restores it and both optimisers from `folder`.
    ///
    /// - Parameters:
    ///   - configuration: the model to build.
    ///   - options: the training loop's settings.
    ///   - training: the training set in the data's own range ([0, 1] for images).
    ///   - dataset: the dataset's specification, recorded in `config.json`.
    ///   - folder: the run folder; with `resuming`, training continues from its checkpoint.
    ///   - group: the processes that train together; each takes an equal share of every batch.
    /// - Throws: ``ConfigurationError`` for settings that cannot work, ``RunError`` for data of
    ///   another shape or an unreadable run folder.
    public init(
        configuration: AdversarialConfiguration, options: AdversarialTrainingOptions,
        training: Dataset, dataset: String, folder: RunFolder, resuming: Bool,
        group: any ProcessGroup = SingleProcessGroup()
    ) throws {
        try configuration.validate()
        try options.validate()
        guard training.exampleShape == configuration.exampleShape else {
            throw RunError("data of shape \(training.exampleShape) does not match the model's \(configuration.exampleShape)")
        }
        guard !configuration.isConditional || training.labels != nil else {
            throw RunError("\(configuration.kind.rawValue) needs labelled data; \(dataset) has no labels")
        }
        self.options = options
        self.folder = folder
        self.dataset = dataset
        self.group = group
        var random = SplitMix64(seed: options.seed)
        model = AdversarialNetwork(configuration, using: &random)
        var data = options.trainingLimit.map { training.subset(0..<min($0, training.count)) } ?? training
        // Batches are clamped to the data; BatchNorm and the batch statistics need two examples.
        guard data.count >= 2 else {
            throw ConfigurationError(
                "\(configuration.kind.rawValue) trains on batches of at least 2 examples; the training set "
                    + "has \(data.count)" + (options.trainingLimit.map { " (--training-limit \($0))" } ?? ""))
        }
        data.examples = model.toModelSpace(data.examples)
        self.training = data
        loader = DataLoader(
            dataset: data, batchSize: min(options.batchSize, data.count), shuffles: true,
            dropsLast: true, seed: options.seed)
        func optimizer(_ learningRate: Float) -> any Optimizer {
            switch options.optimizer {
            case .sgd: return SGD(learningRate: learningRate, momentum: options.momentum)
            case .adam:
                return Adam(learningRate: learningRate, beta1: options.beta1, beta2: options.beta2)
            case .rmsprop: return RMSProp(learningRate: learningRate)
            }
        }
        guard loader.batchSize % configuration.packedExamples == 0 else {
            throw ConfigurationError(
                "--pack \(configuration.packedExamples) needs a batch size that is a multiple of it, "
                    + "got \(loader.batchSize) (--pack 1 scores examples one by one)")
        }
        guard loader.batchSize % (group.size * configuration.packedExamples) == 0 else {
            throw ConfigurationError(
                "data-parallel training over \(group.size) processes gives each an equal share of every batch "
                    + (configuration.packedExamples > 1 ? "in whole packs of \(configuration.packedExamples) " : "")
                    + "and needs a batch size that is a multiple of \(group.size * configuration.packedExamples), "
                    + "got \(loader.batchSize)")
        }
        try Self.checkBatchStatistics(
            of: model, batchSize: loader.batchSize, processes: group.size,
            synchronized: options.synchronizedBatchNorm == true, penaltyWeight: options.penaltyWeight)
        if options.synchronizedBatchNorm == true {
            let discriminatorNorms = model.discriminator.batchNormLayers.count
            guard discriminatorNorms + model.generator.batchNormLayers.count > 0 else {
                throw ConfigurationError(
                    "--sync-batch-norm: this \(configuration.kind.rawValue) has no BatchNorm layer to synchronise")
            }
            guard options.penaltyWeight == 0 || discriminatorNorms == 0 else {
                throw ConfigurationError(
                    "--sync-batch-norm gives no gradients of gradients, which the gradient penalty takes "
                        + "through D's BatchNorm; drop --penalty-weight or --sync-batch-norm")
            }
            group.synchronizeBatchNorm(in: model.generator)
            group.synchronizeBatchNorm(in: model.discriminator)
        }
        generatorOptimizer = optimizer(options.learningRate)
        discriminatorOptimizer = optimizer(options.discriminatorLearningRate ?? options.learningRate)
        // WGAN's critic starts inside its clipping box, so every step is a projected one.
        if let clip = options.clipValue {
            clampParameters(model.discriminator.trainableParameters, to: -clip...clip)
        }
        if resuming {
            try restore()
        } else if group.isLeader {
            try folder.writeConfiguration(runConfiguration)
        }
        group.synchronize(model)
    }

    /// The configuration recorded in `config.json`.
    public var runConfiguration: RunConfiguration {
        var configuration = RunConfiguration(model: model.configuration.kind.rawValue, dataset: dataset)
        configuration.processes = group.size > 1 ? group.size : nil
        configuration.adversarial = model.configuration
        configuration.adversarialTraining = options
        return configuration
    }

    /// Refuses batches too small for the batch statistics: each BatchNorm layer and the
    /// minibatch standard deviation need two examples where they are taken — G's on its rows,
    /// D's on its packs, on each process (BatchNorm on the whole batch when synchronised).
    static func checkBatchStatistics(
        of model: AdversarialNetwork, batchSize: Int, processes: Int, synchronized: Bool, penaltyWeight: Float = 0
    ) throws {
        let configuration = model.configuration, pack = configuration.packedExamples
        var needs: [(name: String, batch: Int, synchronizedBatch: Int?)] = []
        if !model.generator.batchNormLayers.isEmpty {
            needs.append(("G's BatchNorm", 2 * processes, 2))
        }
        if !model.discriminator.batchNormLayers.isEmpty {
            needs.append(("D's BatchNorm", 2 * pack * processes, 2 * pack))
        }
        if configuration.minibatchDeviationGroup != nil {
            needs.append(("--minibatch-stddev", 2 * pack * processes, nil))
        }
        let least = needs.map { synchronized ? $0.synchronizedBatch ?? $0.batch : $0.batch }.max() ?? 0
        guard batchSize < least else { return }
        let short = needs.filter { (synchronized ? $0.synchronizedBatch ?? $0.batch : $0.batch) > batchSize }
        var message = "--batch-size \(batchSize) is too small for the batch statistics of "
            + short.map(\.name).joined(separator: " and ") + ", which need 2 examples"
            + (pack > 1 && short.contains { $0.name != "G's BatchNorm" } ? " (for D, 2 packs of \(pack))" : "")
            + (processes > 1 ? " on each of the \(processes) processes" : "")
            + ": give at least \(least)"
        // The hint only where --sync-batch-norm would be accepted and enough.
        let leastSynchronized = needs.map { $0.synchronizedBatch ?? $0.batch }.max() ?? 0
        let penalisedThroughBatchNorm = penaltyWeight > 0 && !model.discriminator.batchNormLayers.isEmpty
        if !synchronized && processes > 1 && leastSynchronized <= batchSize && !penalisedThroughBatchNorm {
            message += ", or --sync-batch-norm for BatchNorm over the whole batch"
        }
        throw ConfigurationError(message)
    }

    // MARK: - The loop

    /// Runs the remaining steps, writing metrics, checkpoints and pictures as it goes.
    ///
    /// - Throws: ``RunError`` when a loss, or at a checkpoint a weight or an optimiser's state,
    ///   stops being finite (naming the step; the last good checkpoint is kept) or a file cannot
    ///   be written.
    @discardableResult
    public func run(quiet: Bool = false) throws -> AdversarialSummary {
        let leads = group.isLeader
        let quiet = quiet || !leads
        let log = leads ? try MetricsLog(url: folder.metricsURL, continuingFrom: step) : nil
        let progress = ProgressReporter(total: options.steps, first: step, label: model.configuration.kind.rawValue)
        let start = Date()
        var last = AdversarialStep()
        let firstStep = step
        while step < options.steps {
            let record = trainStep()
            guard record.isFinite else {
                throw RunError("training diverged: a loss became non-finite at step \(step + 1) "
                    + "(d_loss \(record.discriminatorLoss), g_loss \(record.generatorLoss)); stopped; "
                    + folder.keptCheckpointNote(for: group))
            }
            last = record
            step += 1
            if step % options.logEvery == 0 || step == options.steps {
                log?.append([("step", .integer(step))]
                    + record.fields.map { ($0.0, .number(Double($0.1))) }
                    + [("seconds", .number(Date().timeIntervalSince(start)))])
            }
            if !quiet { progress.update(step: step, values: record.progressFields) }
            if leads && options.checkpointEvery > 0 && step % options.checkpointEvery == 0 {
                try saveCheckpoint()
            }
            if leads && options.sampleEvery > 0 && step % options.sampleEvery == 0 {
                reestimateAverageStatistics()
                if let picture = try AdversarialPictures.write(
                    model: model, data: training, folder: folder, seed: options.seed, step: step)
                {
                    log?.appendImage(picture, tag: "samples", step: step)
                }
            }
        }
        guard leads else {
            var summary = AdversarialSummary(steps: step, last: last, seconds: Date().timeIntervalSince(start))
            summary.stepsTaken = step - firstStep
            return summary
        }
        try saveCheckpoint()  // with the average's own statistics, used by the pictures too
        if let picture = try AdversarialPictures.write(
            model: model, data: training, folder: folder, seed: options.seed, step: nil),
            options.sampleEvery == 0 || step % options.sampleEvery != 0
        {
            log?.appendImage(picture, tag: "samples", step: step)  // unless the last step's grid is there
        }
        var summary = AdversarialSummary(steps: step, last: last, seconds: Date().timeIntervalSince(start))
        summary.stepsTaken = step - firstStep
        try writeReport(summary)
        return summary
    }

    /// Takes one generator step and its `discriminatorSteps` discriminator steps; does not
    /// advance ``step``.
    public func trainStep() -> AdversarialStep {
        var random = SplitMix64(seed: options.seed).derived(0x57E9_0000_0000 &+ UInt64(step)).forRank(of: group)
        var record = AdversarialStep()
        if let decay = options.learningRateDecay, decay != .none {
            let factor = decay.factor(step: step, total: options.steps)
            generatorOptimizer.learningRate = generatorOptimizer.initialLearningRate * factor
            discriminatorOptimizer.learningRate = discriminatorOptimizer.initialLearningRate * factor
        }
        model.train()
        var real = Tensor(0), labels: [Int]?
        for inner in 0..<options.discriminatorSteps {
            (real, labels) = realBatch(step * options.discriminatorSteps + inner)
            model.discriminator.reseedDropout(random.next())
            let (input, codes) = model.generatorInput(
                count: real.shape[0], codes: GeneratorCodes(labels: labels), using: &random)
            let fake = withoutGradients { model.generator(input) }
            let objective = discriminatorObjective(
                real: real, labels: labels, fake: fake, codes: codes, using: &random)
            // The ranks' means, so that every rank stops together on a loss that is not finite.
            let means = meanOverRanks([
                objective.total.scalar, objective.adversarial.scalar, objective.penalty?.scalar ?? 0,
                objective.interpolateGradientNorm ?? 0, meanScore(objective.realScore), meanScore(objective.fakeScore),
                model.configuration.loss == .wasserstein
                    ? objective.realScore.mean().scalar - objective.fakeScore.mean().scalar : 0,
            ])
            record.discriminatorLoss = means[1]
            record.gradientPenalty = objective.penalty.map { _ in means[2] }
            record.interpolateGradientNorm = objective.interpolateGradientNorm.map { _ in means[3] }
            // A total that is not finite (its adversarial part may be) stops the run as d_loss.
            guard means[0].isFinite else {
                record.discriminatorLoss = means[0]
                return record
            }
            updateDiscriminator(objective.total)
            record.realScore = means[4]
            record.fakeScore = means[5]
            if model.configuration.loss == .wasserstein { record.wasserstein = means[6] }
        }
        model.discriminator.reseedDropout(random.next())
        let (input, codes) = model.generatorInput(
            count: real.shape[0], codes: GeneratorCodes(labels: labels), using: &random)
        let objective = generatorObjective(input: input, codes: codes, real: real, labels: labels)
        let means = meanOverRanks([objective.total.scalar, objective.adversarial.scalar, objective.information?.scalar ?? 0])
        record.generatorLoss = means[1]
        record.informationLoss = objective.information.map { _ in means[2] }
        guard means[0].isFinite else {
            record.generatorLoss = means[0]
            return record
        }
        record.generatorGradientNorm = updateGenerator(objective.total)
        return record
    }

    /// The real batch with global index `index`: batch `index % batchCount` of the seeded
    /// order of epoch `index / batchCount`.
    func realBatch(_ index: Int) -> (examples: Tensor, labels: [Int]?) {
        let epoch = index / loader.batchCount, position = index % loader.batchCount
        if cachedOrder?.epoch != epoch { cachedOrder = (epoch, loader.order(epoch: epoch)) }
        let size = loader.batchSize
        let share = group.share(of: size)
        let indices = Array(cachedOrder!.order[(position * size + share.lowerBound)..<(position * size + share.upperBound)])
        let batch = training.subset(indices: indices)
        return (batch.examples, model.configuration.isConditional ? batch.labels : nil)
    }

    // MARK: - Checkpoints

    private var optimizers: [String: any CheckpointableState] {
        ["generator": generatorOptimizer, "discriminator": discriminatorOptimizer]
    }

    private func saveCheckpoint() throws {
        reestimateAverageStatistics()
        // Non-finite weights or optimiser state stop the run and keep the last good checkpoint.
        try folder.saveCheckpoint(module: model, optimizers: optimizers, counters: ["step": step])
    }

    /// The averaged generator's own BatchNorm statistics, before it is saved or sampled; the
    /// noise is seeded by the run's seed and the step, so a resumed run repeats it exactly. Once
    /// per step: a checkpoint and a sample grid at the same step share the estimate.
    private func reestimateAverageStatistics() {
        guard averageStatisticsStep != step else { return }
        averageStatisticsStep = step
        model.reestimateAverageStatistics(seed: SplitMix64(seed: options.seed).derived(0x5747_0000_0000 &+ UInt64(step)).state)
    }

    private func restore() throws {
        let saved = try folder.readConfiguration(sharedBy: group)
        guard saved.adversarial == model.configuration else {
            throw RunError("--resume: \(folder.configurationURL.path) describes another model (\(saved.model)); "
                + "resume with the same model options, or with only --epochs or --steps to replay the run's own")
        }
        let counters = try folder.restoreCheckpoint(module: model, optimizers: optimizers, sharedBy: group)
        step = counters["step"] ?? 0
        try folder.checkResumeTarget(options.steps, done: step, unit: "generator steps", option: "--steps")
        try folder.checkResumeDataset(dataset, saved: saved)  // on every rank, as each may throw
        // Rank 0 read config.json for every rank before it rewrites it.
        if group.isLeader { changedOnResume = try folder.rewriteConfiguration(runConfiguration, resumedFrom: saved) }
    }

    private func writeReport(_ summary: AdversarialSummary) throws {
        let configuration = String(decoding: try runConfiguration.encodedJSON(), as: UTF8.self)
        try RunReport.write(
            to: folder.url, title: "Latent run: \(model.configuration.kind.rawValue) on \(dataset)",
            configuration: configuration,
            curves: [("Losses", ["d_loss", "g_loss"]), ("Mean D(x) and D(G(z))", ["d_real", "d_fake"]),
                     ("Critic's Wasserstein estimate", ["wasserstein"]),
                     ("Gradient norms", ["g_grad_norm", "gp_norm"]), ("Mutual-information loss", ["info_loss"])],
            images: [("samples.png", "samples from a fixed noise batch"),
                     ("scatter.png", "samples (orange) over data (blue)")],
            summary: summary.rows)
    }
}

/// What a finished adversarial run reports.
public struct AdversarialSummary: Sendable {
    /// Generator steps taken.
    public let steps: Int
    /// The telemetry of the last step.
    public let last: AdversarialStep
    /// Wall-clock time of this invocation.
    public let seconds: Double
    /// Generator steps taken by this invocation (0 when a resumed run had none left).
    public var stepsTaken: Int = 0

    /// The telemetry of this invocation's last step; empty when it took none.
    public var lastFields: [(String, Float)] { stepsTaken > 0 ? last.fields : [] }

    /// The summary as table rows.
    public var rows: [(String, String)] {
        [("generator steps", "\(steps)")]
            + lastFields.map { ($0.0 + " (last step)", String(format: "%.4g", $0.1)) }
            + [("training time", ProgressReporter.duration(seconds))]
    }
}
