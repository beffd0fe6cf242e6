import Foundation
import LatentData
import LatentDistributed
import LatentNN
import LatentTensor
import TestSupport
import Testing

@testable import LatentModels

/// Data-parallel training on ranks that are threads of one process (``LocalProcessGroup``): the
/// same loop and collectives as under `mpirun`, checked against one process.
@Suite("Data-parallel training")
struct DataParallelTrainingTests {
    /// A trainer of the tiny patterns for `group`, writing to `folder` (created by the caller).
    func trainer(
        _ kind: VariationalKind, epochs: Int, batchSize: Int = 16, folder: String, resuming: Bool = false,
        group: any ProcessGroup
    ) throws -> VariationalTrainer {
        var options = tinyTrainingOptions(epochs: epochs)
        options.batchSize = batchSize
        let data = tinyPatterns()
        let runFolder = try RunFolder.seen(by: group, at: folder, resuming: resuming)
        return try VariationalTrainer(
            configuration: tinyConfiguration(kind), options: options, training: data, test: data,
            dataset: "patterns", folder: runFolder, resuming: resuming, group: group)
    }

    /// Trains on `size` ranks and returns each rank's final parameters; rank 0 creates the
    /// folder first, as the CLI's rank 0 does before the others open it.
    func trainOnRanks(
        _ size: Int, _ kind: VariationalKind, epochs: Int, batchSize: Int = 16, folder: String,
        resuming: Bool = false
    ) throws -> [[[Float]]] {
        if !resuming { _ = try RunFolder(creating: folder, resuming: false) }
        let outcomes = LocalProcessGroup.run(size: size) { group -> Result<[[Float]], RunError> in
            do {
                let run = try trainer(kind, epochs: epochs, batchSize: batchSize, folder: folder,
                                      resuming: resuming, group: group)
                try run.run(quiet: true)
                return .success(run.model.parameters.map(\.value.scalars))
            } catch {
                return .failure(RunError("rank \(group.rank): \(error)"))
            }
        }
        return try outcomes.map { try $0.get() }
    }

    func losses(_ folder: String) -> [Double] {
        MetricsLog.read(URL(fileURLWithPath: folder).appendingPathComponent("metrics.jsonl"))
            .compactMap { $0["loss"] as? Double }
    }

    /// An autoencoder draws no noise, so its data-parallel steps are the whole batch's steps:
    /// every rank ends with the same weights, bit for bit, and they match one process's to
    /// rounding (sums in another order), with shares of 8, of 5 or 6, and of 0 or 1 rows.
    @Test(arguments: [(2, 16), (3, 16), (3, 2)])
    func autoencoderOnSeveralRanksMatchesOneProcess(size: Int, batchSize: Int) throws {
        let single = TemporaryFolder.path("single"), parallel = TemporaryFolder.path("parallel")
        defer {
            try? FileManager.default.removeItem(atPath: single)
            try? FileManager.default.removeItem(atPath: parallel)
        }
        let one = try trainer(.ae, epochs: 2, batchSize: batchSize, folder: single, group: SingleProcessGroup())
        try one.run(quiet: true)
        let ranks = try trainOnRanks(size, .ae, epochs: 2, batchSize: batchSize, folder: parallel)
        for rank in ranks.dropFirst() { #expect(rank == ranks[0], "the ranks' weights differ") }
        for (got, expected) in zip(ranks[0], one.model.parameters.map(\.value.scalars)) {
            #expect(Close.scalars(got, expected, tolerance: 1e-4), "\(got) against \(expected)")
        }
        // Rank 0 alone logs, the whole batch's loss at every step.
        let logged = losses(parallel), reference = losses(single)
        #expect(logged.count == reference.count && logged.count == 2 * ((96 + batchSize - 1) / batchSize))
        for (got, expected) in zip(logged, reference) { #expect(abs(got - expected) <= 1e-4 * max(1, abs(expected))) }
        // The ranks measure the test set in shares and add up: the same figures as one process's.
        let testLosses = { (folder: String) in
            MetricsLog.read(URL(fileURLWithPath: folder).appendingPathComponent("metrics.jsonl"))
                .compactMap { $0["test_loss"] as? Double }
        }
        #expect(testLosses(parallel).count == 2)
        for (got, expected) in zip(testLosses(parallel), testLosses(single)) {
            #expect(abs(got - expected) <= 1e-4 * max(1, abs(expected)), "test loss \(got) against \(expected)")
        }
        #expect(FileManager.default.fileExists(atPath: parallel + "/checkpoint.safetensors"))
        #expect(FileManager.default.fileExists(atPath: parallel + "/report.html"))
        // config.json says how many processes trained the run (nothing for one).
        #expect(try RunFolder(existing: parallel).readConfiguration().processes == size)
        #expect(try RunFolder(existing: single).readConfiguration().processes == nil)
        #expect(try !String(contentsOfFile: single + "/config.json", encoding: .utf8).contains("processes"))
    }

    /// A VAE on two ranks, each with its own noise, learns as one process does, and its ranks
    /// stay one model.
    @Test func variationalAutoencoderLearnsOnTwoRanks() throws {
        let folder = TemporaryFolder.path("parallel"), untrained = TemporaryFolder.path("untrained")
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: untrained)
        }
        let before = try trainer(.vae, epochs: 0, folder: untrained, group: SingleProcessGroup())
            .evaluate(on: tinyPatterns()).negativeELBO
        let ranks = try trainOnRanks(2, .vae, epochs: 40, folder: folder)
        #expect(ranks[0] == ranks[1], "the ranks' weights differ")
        let after = try RunFolder(existing: folder).summaryLoss
        #expect(after < 0.8 * Double(before), "\(before) → \(after)")
    }

    /// When rank 0 cannot read the run (no config.json, no checkpoint), every rank fails, none
    /// waits for the others: rank 0 with its own error, the others naming rank 0.
    @Test func aRunRankZeroCannotReadFailsOnEveryRank() throws {
        let folder = TemporaryFolder.path("unreadable")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let messages = LocalProcessGroup.run(size: 2) { group -> [String] in
            let runFolder = RunFolder(unchecked: group.isLeader ? folder : RunFolder.unsharedPath(folder))
            var messages: [String] = []
            do { _ = try runFolder.readConfiguration(sharedBy: group) } catch { messages.append("\(error)") }
            var random = SplitMix64(seed: 1)
            let module = Linear(inputFeatures: 2, outputFeatures: 2, using: &random)
            do { _ = try runFolder.restoreCheckpoint(module: module, optimizers: [:], sharedBy: group) } catch {
                messages.append("\(error)")
            }
            return messages
        }
        #expect(messages[0].count == 2 && messages[0][0].contains("\(folder)/config.json"), "\(messages[0])")
        #expect(messages[1] == messages[0].map { "rank 0: " + $0 }, "\(messages[1])")
    }

    /// A data-parallel run resumed from its checkpoint continues as if it had not stopped: each
    /// rank's noise comes from the seed, the step and the rank, not from a state only rank 0 saved.
    @Test func resumedDataParallelRunContinuesExactly() throws {
        let straight = TemporaryFolder.path("straight"), split = TemporaryFolder.path("split")
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: split)
        }
        let whole = try trainOnRanks(2, .vae, epochs: 2, folder: straight)
        _ = try trainOnRanks(2, .vae, epochs: 1, folder: split)
        let resumed = try trainOnRanks(2, .vae, epochs: 2, folder: split, resuming: true)
        #expect(losses(straight).count == 12)
        #expect(losses(straight) == losses(split))
        #expect(whole == resumed)
        // Rank 1 was given a folder that does not exist: rank 0 read the run for it.
        #expect(!FileManager.default.fileExists(atPath: RunFolder.unsharedPath(split)))
    }
}

extension RunFolder {
    /// The run folder as `group`'s rank sees it: rank 0 the real one, the others a path that
    /// does not exist, as on machines that do not share a file system with rank 0 (a rank that
    /// read or wrote its folder would fail, or leave the path behind; see ``unsharedPath``).
    static func seen(by group: any ProcessGroup, at folder: String, resuming: Bool) throws -> RunFolder {
        group.isLeader ? try RunFolder(creating: folder, resuming: resuming) : RunFolder(unchecked: unsharedPath(folder))
    }

    /// The path the other ranks are given for `folder`.
    static func unsharedPath(_ folder: String) -> String { folder + "-not-shared" }

    /// The last test loss `metrics.jsonl` holds.
    fileprivate var summaryLoss: Double {
        MetricsLog.read(metricsURL).compactMap { $0["test_loss"] as? Double }.last ?? .nan
    }
}

/// Adversarial training on local ranks: the ranks stay one model, learn, and resume exactly.
@Suite("Data-parallel adversarial training")
struct DataParallelAdversarialTests {
    /// Builds each rank's trainer (rank 0 creates the folder first) and runs it; returns each
    /// rank's final parameters, then its buffers (BatchNorm's running statistics) when asked.
    func trainOnRanks(
        _ size: Int, _ configuration: AdversarialConfiguration, _ options: AdversarialTrainingOptions,
        _ data: Dataset, folder: String, resuming: Bool = false, buffers: Bool = false
    ) throws -> [[[Float]]] {
        if !resuming { _ = try RunFolder(creating: folder, resuming: false) }
        let outcomes = LocalProcessGroup.run(size: size) { group -> Result<[[Float]], RunError> in
            do {
                let runFolder = try RunFolder.seen(by: group, at: folder, resuming: resuming)
                let trainer = try AdversarialTrainer(
                    configuration: configuration, options: options, training: data, dataset: "tiny",
                    folder: runFolder, resuming: resuming, group: group)
                try trainer.run(quiet: true)
                let model = trainer.model
                return .success(model.parameters.map(\.value.scalars)
                    + (buffers ? model.namedBuffers.map(\.buffer.value.scalars) : []))
            } catch {
                return .failure(RunError("rank \(group.rank): \(error)"))
            }
        }
        return try outcomes.map { try $0.get() }
    }

    /// Builds each rank's trainer of a new run in `folder` (which must exist) and returns, in
    /// rank order, "accepted" or the error it threw.
    func setUpOnRanks(
        _ size: Int, _ configuration: AdversarialConfiguration, _ options: AdversarialTrainingOptions,
        _ data: Dataset, folder: String
    ) -> [String] {
        LocalProcessGroup.run(size: size) { group -> String in
            do {
                _ = try AdversarialTrainer(
                    configuration: configuration, options: options, training: data, dataset: "tiny",
                    folder: RunFolder(unchecked: folder), resuming: false, group: group)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
    }

    /// The small GAN of `samplesMoveTowardTheModes` on two ranks of 32 rows each: its samples
    /// come to the ring's modes as one process's do, and both ranks hold the same weights.
    @Test func twoRanksPullSamplesOntoTheModes() throws {
        let ring = try RingGAN()
        let folder = TemporaryFolder.path("parallel")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var untrainedRandom = SplitMix64(seed: ring.options.seed)
        let before = ring.meanDistance(of: AdversarialNetwork(ring.configuration, using: &untrainedRandom))
        let parameters = try trainOnRanks(2, ring.configuration, ring.options, ring.data, folder: folder)
        #expect(parameters[0] == parameters[1], "the ranks' weights differ")
        let after = ring.meanDistance(of: try AdversarialNetwork.load(run: folder))
        #expect(after < 0.5 * before, "mean distance to the nearest mode \(before) → \(after)")
        #expect(MetricsLog.read(RunFolder(unchecked: folder).metricsURL).count == 6)
    }

    /// A DCGAN on two ranks with synchronised BatchNorm: the ranks' running statistics are the
    /// whole batch's and so the same on both (they differ without), and the model learns: its
    /// samples come to the ring's modes with BatchNorm in G.
    @Test func synchronizedBatchNormGivesTheRanksOneSetOfStatistics() throws {
        var (configuration, options, data) = tinyAdversarial(.dcgan, images: true)
        configuration.fullyConnectedWidth = 8  // BatchNorm in D too, after its fully connected layer
        options.steps = 3
        let folder = TemporaryFolder.path("parallel")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let separate = try trainOnRanks(2, configuration, options, data, folder: folder, buffers: true)
        #expect(separate[0] != separate[1], "the ranks' own statistics came out equal: the test cannot tell")
        try FileManager.default.removeItem(atPath: folder)
        options.synchronizedBatchNorm = true
        let synchronized = try trainOnRanks(2, configuration, options, data, folder: folder, buffers: true)
        #expect(synchronized[0] == synchronized[1], "the ranks' weights or running statistics differ")
        #expect(try RunFolder(unchecked: folder).readConfiguration().adversarialTraining?.synchronizedBatchNorm == true)

        var ring = try RingGAN()
        ring.configuration.generatorBatchNorm = true
        ring.options.synchronizedBatchNorm = true
        configuration = ring.configuration
        try FileManager.default.removeItem(atPath: folder)
        var untrainedRandom = SplitMix64(seed: ring.options.seed)
        let before = ring.meanDistance(of: AdversarialNetwork(configuration, using: &untrainedRandom))
        let parameters = try trainOnRanks(2, configuration, ring.options, ring.data, folder: folder, buffers: true)
        #expect(parameters[0] == parameters[1])
        let after = ring.meanDistance(of: try AdversarialNetwork.load(run: folder))
        #expect(after < 0.5 * before, "mean distance to the nearest mode \(before) → \(after)")
    }

    /// A two-rank run resumed in one process with synchronised BatchNorm names both changes:
    /// the option (as true, not 1) and the number of processes.
    @Test func resumingOnAnotherNumberOfProcessesSaysSo() throws {
        var (configuration, options, data) = tinyAdversarial(.dcgan, images: true)
        options.steps = 2
        let folder = TemporaryFolder.path("processes")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try trainOnRanks(2, configuration, options, data, folder: folder)
        options.steps = 3
        options.synchronizedBatchNorm = true
        let resumed = try adversarialTrainer(configuration, options, data, folder: folder, resuming: true)
        #expect(resumed.changedOnResume == ["synchronizedBatchNorm: none → true", "processes: 2 → 1"])
        try resumed.run(quiet: true)
        #expect(try RunFolder(unchecked: folder).readConfiguration().processes == nil)
    }

    /// Synchronised BatchNorm is refused for a model without BatchNorm and with a gradient
    /// penalty through D's BatchNorm, in one line each.
    @Test func synchronizedBatchNormIsRefusedWhereItCannotWork() throws {
        let folder = TemporaryFolder.path("refused")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func refusal(_ configuration: AdversarialConfiguration, _ options: AdversarialTrainingOptions, _ data: Dataset) -> String {
            do {
                _ = try adversarialTrainer(configuration, options, data, folder: folder)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        var (plain, options, data) = tinyAdversarial(.gan)
        options.synchronizedBatchNorm = true
        plain.generatorBatchNorm = false
        #expect(refusal(plain, options, data).contains("gan has no BatchNorm layer"))
        var (dcgan, penalised, images) = tinyAdversarial(.dcgan, images: true)
        penalised.synchronizedBatchNorm = true
        dcgan.fullyConnectedWidth = 8  // D's one convolution on 8×8 images, then a BatchNorm layer
        #expect(refusal(dcgan, penalised, images) == "accepted")
        penalised.penaltyWeight = 10
        #expect(refusal(dcgan, penalised, images).contains("drop --penalty-weight or --sync-batch-norm"))
        dcgan.discriminatorBatchNorm = false
        #expect(refusal(dcgan, penalised, images) == "accepted")
    }

    /// One row per rank is refused for a model with BatchNorm unless its statistics are the
    /// whole batch's, and for the minibatch standard deviation; accepted otherwise.
    @Test func oneRowPerRankNeedsSynchronizedBatchNorm() throws {
        let folder = TemporaryFolder.path("rows")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try RunFolder(creating: folder, resuming: false)
        func outcome(_ configuration: AdversarialConfiguration, _ options: AdversarialTrainingOptions, _ data: Dataset)
            -> [String]
        {
            setUpOnRanks(2, configuration, options, data, folder: folder)
        }
        var (configuration, options, data) = tinyAdversarial(.gan)
        options.batchSize = 2
        configuration.generatorBatchNorm = true
        let refused = outcome(configuration, options, data)
        #expect(refused.allSatisfy {
            $0 == "--batch-size 2 is too small for the batch statistics of G's BatchNorm, which need 2 examples on "
                + "each of the 2 processes: give at least 4, or --sync-batch-norm for BatchNorm over the whole batch"
        }, "\(refused[0])")
        options.synchronizedBatchNorm = true
        #expect(outcome(configuration, options, data) == ["accepted", "accepted"])
        configuration.minibatchDeviationGroup = 2
        #expect(outcome(configuration, options, data).allSatisfy {
            $0.contains("of --minibatch-stddev, which need 2 examples on each of the 2 processes")
                && $0.contains("give at least 4") && !$0.contains("--sync-batch-norm")
        })
        configuration.minibatchDeviationGroup = nil
        configuration.generatorBatchNorm = false
        options.synchronizedBatchNorm = nil
        #expect(outcome(configuration, options, data) == ["accepted", "accepted"])
    }

    /// D sees packs: with BatchNorm in D (a convolutional D closed by a fully connected layer),
    /// a batch needs 2 packs per process, or 2 packs in all when synchronised — in one process
    /// too, where one pack per batch used to stop the process on BatchNorm's precondition.
    @Test func packsCountForTheDiscriminatorsBatchStatistics() throws {
        var (configuration, options, data) = tinyAdversarial(.dcgan, images: true)
        configuration.fullyConnectedWidth = 8
        configuration.packing = 2
        options.batchSize = 2
        let folder = TemporaryFolder.path("packs")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try adversarialTrainer(configuration, options, data, folder: folder)
            Issue.record("one pack per batch was accepted")
        } catch {
            #expect("\(error)" == "--batch-size 2 is too small for the batch statistics of D's BatchNorm, which "
                + "need 2 examples (for D, 2 packs of 2): give at least 4", "\(error)")
        }
        // On two processes: 2 packs on each, or 2 in all with --sync-batch-norm.
        var random = SplitMix64(seed: 1)
        let model = AdversarialNetwork(configuration, using: &random)
        #expect(throws: ConfigurationError.self) {
            try AdversarialTrainer.checkBatchStatistics(of: model, batchSize: 4, processes: 2, synchronized: false)
        }
        do {
            try AdversarialTrainer.checkBatchStatistics(of: model, batchSize: 4, processes: 2, synchronized: false)
        } catch {
            #expect("\(error)".hasSuffix("on each of the 2 processes: give at least 8, or --sync-batch-norm for "
                + "BatchNorm over the whole batch"), "\(error)")
        }
        // With a gradient penalty through D's BatchNorm, --sync-batch-norm is refused: no hint.
        do {
            try AdversarialTrainer.checkBatchStatistics(
                of: model, batchSize: 4, processes: 2, synchronized: false, penaltyWeight: 10)
        } catch {
            #expect("\(error)".hasSuffix("give at least 8"), "\(error)")
        }
        try AdversarialTrainer.checkBatchStatistics(of: model, batchSize: 4, processes: 2, synchronized: true)
        try AdversarialTrainer.checkBatchStatistics(of: model, batchSize: 8, processes: 2, synchronized: false)
    }

    /// WGAN-GP on two ranks, 3 steps and a resume to 6, ends as 6 steps in one go, bit for bit.
    @Test func twoRanksResumeExactly() throws {
        var (configuration, options, data) = tinyAdversarial(.wganGP)
        options.steps = 6
        let straight = TemporaryFolder.path("straight"), split = TemporaryFolder.path("split")
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: split)
        }
        let whole = try trainOnRanks(2, configuration, options, data, folder: straight)
        var firstHalf = options
        firstHalf.steps = 3
        _ = try trainOnRanks(2, configuration, firstHalf, data, folder: split)
        let resumed = try trainOnRanks(2, configuration, options, data, folder: split, resuming: true)
        #expect(whole[0] == whole[1])
        #expect(whole == resumed)
    }

    /// A batch that does not split into equal shares of whole packs is refused, naming both.
    @Test func unequalSharesAreRefused() throws {
        var (tinyConfiguration, tinyOptions, tinyData) = tinyAdversarial(.gan)
        tinyOptions.batchSize = 12
        tinyConfiguration.packing = 2
        let configuration = tinyConfiguration, options = tinyOptions, data = tinyData
        let folder = TemporaryFolder.path("parallel")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try RunFolder(creating: folder, resuming: false)
        let messages = setUpOnRanks(4, configuration, options, data, folder: folder)
        #expect(messages.allSatisfy { $0.contains("multiple of 8") && $0.contains("got 12") }, "\(messages[0])")
    }
}

/// The classifier on local ranks.
@Suite("Data-parallel classifier training")
struct DataParallelClassifierTests {
    func configuration(_ architecture: ClassifierConfiguration.Architecture, dropout: Float) -> ClassifierConfiguration {
        var configuration = toyClassifierConfiguration(architecture)
        configuration.dropout = dropout
        return configuration
    }

    var options: ClassifierTrainingOptions {
        var options = ClassifierTrainingOptions()
        options.epochs = 2
        options.batchSize = 16
        options.learningRate = 0.01
        return options
    }

    /// Trains on `size` ranks (one: a plain single process) and returns each rank's weights
    /// and rank 0's test accuracy.
    func train(
        size: Int, _ configuration: ClassifierConfiguration, folder: String, epochs: Int = 2, resuming: Bool = false
    ) throws -> (weights: [[[Float]]], accuracy: Float) {
        if !resuming { _ = try RunFolder(creating: folder, resuming: false) }
        var chosen = self.options
        chosen.epochs = epochs
        let options = chosen
        let outcomes = LocalProcessGroup.run(size: size) { group -> Result<([[Float]], Float), RunError> in
            do {
                let trainer = try ClassifierTrainer(
                    configuration: configuration, options: options, training: halvesDataset(count: 192, seed: 1),
                    test: halvesDataset(count: 60, seed: 2), dataset: "halves",
                    folder: RunFolder.seen(by: group, at: folder, resuming: resuming), resuming: resuming, group: group)
                let summary = try trainer.run(quiet: true)
                return .success((trainer.model.parameters.map(\.value.scalars), summary.testAccuracy))
            } catch {
                return .failure(RunError("rank \(group.rank): \(error)"))
            }
        }
        let results = try outcomes.map { try $0.get() }
        return (results.map(\.0), results[0].1)
    }

    /// Without dropout an MLP classifier on three ranks (shares of 5 and 6 rows) ends with one
    /// process's weights to rounding; with dropout the ranks still hold one model and it learns.
    @Test func threeRanksTrainOneClassifier() throws {
        let one = TemporaryFolder.path("one"), three = TemporaryFolder.path("three"), masked = TemporaryFolder.path("masked")
        defer { for folder in [one, three, masked] { try? FileManager.default.removeItem(atPath: folder) } }
        let single = try train(size: 1, configuration(.mlp, dropout: 0), folder: one)
        let parallel = try train(size: 3, configuration(.mlp, dropout: 0), folder: three)
        #expect(parallel.weights[1] == parallel.weights[0] && parallel.weights[2] == parallel.weights[0])
        for (got, expected) in zip(parallel.weights[0], single.weights[0]) {
            #expect(Close.scalars(got, expected, tolerance: 1e-4), "\(got) against \(expected)")
        }
        let dropped = try train(size: 2, configuration(.conv, dropout: 0.25), folder: masked)
        #expect(dropped.weights[0] == dropped.weights[1], "the ranks' weights differ")
        #expect(dropped.accuracy >= 0.9, "test accuracy \(dropped.accuracy)")
    }

    /// Two epochs on two ranks, or one and a resume to two (rank 1 not seeing the run folder):
    /// the same weights, bit for bit.
    @Test func twoRanksResumeExactly() throws {
        let straight = TemporaryFolder.path("straight"), split = TemporaryFolder.path("split")
        defer { for folder in [straight, split] { try? FileManager.default.removeItem(atPath: folder) } }
        let whole = try train(size: 2, configuration(.mlp, dropout: 0.25), folder: straight)
        _ = try train(size: 2, configuration(.mlp, dropout: 0.25), folder: split, epochs: 1)
        let resumed = try train(size: 2, configuration(.mlp, dropout: 0.25), folder: split, resuming: true)
        #expect(whole.weights == resumed.weights)
        #expect(!FileManager.default.fileExists(atPath: RunFolder.unsharedPath(split)))
    }
}
