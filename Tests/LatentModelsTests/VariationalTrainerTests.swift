import Foundation
import LatentData
import LatentNN
import LatentTensor
import TestSupport
import Testing

@testable import LatentModels

/// 96 binary 6-pixel patterns from three prototypes with a little noise, labelled by prototype.
func tinyPatterns(seed: UInt64 = 3) -> LatentData.Dataset {
    var generator = SplitMix64(seed: seed)
    let prototypes: [[Float]] = [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1], [1, 0, 1, 0, 1, 0]]
    var scalars: [Float] = [], labels: [Int] = []
    for index in 0..<96 {
        let label = index % 3
        labels.append(label)
        scalars += prototypes[label].map { generator.nextUnitFloat() < 0.05 ? 1 - $0 : $0 }
    }
    return Dataset(name: "patterns", examples: Tensor(shape: [96, 6], scalars: scalars), labels: labels,
                   classCount: 3, valueRange: 0...1)
}

/// Training options for the tiny patterns: batches of 16, Adam 0.01, a record every step.
func tinyTrainingOptions(epochs: Int) -> VariationalTrainingOptions {
    var options = VariationalTrainingOptions()
    options.epochs = epochs
    options.batchSize = 16
    options.learningRate = 0.01
    options.logEvery = 1
    options.sampleEvery = 0
    return options
}

@Suite("VariationalTrainer")
struct VariationalTrainerTests {

    func trainer(_ kind: VariationalKind, epochs: Int, folder: String, resuming: Bool = false,
                 estimator: GradientEstimator = .reparameterization) throws -> VariationalTrainer {
        var configuration = tinyConfiguration(kind)
        configuration.estimator = estimator
        let data = tinyPatterns()
        return try VariationalTrainer(
            configuration: configuration, options: tinyTrainingOptions(epochs: epochs), training: data, test: data,
            dataset: "patterns", folder: RunFolder(creating: folder, resuming: resuming), resuming: resuming)
    }

    /// Each member of the family learns: the test loss after 40 epochs is well below the loss
    /// of the untrained model (by at least 20%).
    @Test(arguments: [VariationalKind.ae, .vae, .betaVAE, .iwae, .cvae])
    func lossFalls(kind: VariationalKind) throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try trainer(kind, epochs: 40, folder: folder)
        let before = run.evaluate(on: tinyPatterns()).negativeELBO
        let after = try run.run(quiet: true).test.negativeELBO
        #expect(after < 0.8 * before, "\(kind): \(before) → \(after)")
    }

    /// The score-function estimator is noisy but still trains a tiny VAE.
    @Test func scoreFunctionEstimatorStillTrains() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try trainer(.vae, epochs: 20, folder: folder, estimator: .scoreFunction)
        let before = run.evaluate(on: tinyPatterns()).negativeELBO
        let after = try run.run(quiet: true).test.negativeELBO
        #expect(after < 0.9 * before, "score function: \(before) → \(after)")
    }

    /// Two epochs, or one epoch then a resume for the second, give the same losses, bit for bit.
    @Test func resumedRunContinuesExactly() throws {
        let straight = TemporaryFolder.path("test"), split = TemporaryFolder.path("test")
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: split)
        }
        try trainer(.vae, epochs: 2, folder: straight).run(quiet: true)
        try trainer(.vae, epochs: 1, folder: split).run(quiet: true)
        try trainer(.vae, epochs: 2, folder: split, resuming: true).run(quiet: true)
        let losses = { (folder: String) in
            MetricsLog.read(URL(fileURLWithPath: folder).appendingPathComponent("metrics.jsonl"))
                .compactMap { $0["loss"] as? Double }
        }
        #expect(losses(straight).count == 12)
        #expect(losses(straight) == losses(split))
    }

    // MARK: - The data's range

    /// 64 points of the two-moons toy: values in about [−1, 2].
    func moons() throws -> LatentData.Dataset {
        var generator = SplitMix64(seed: 9)
        let points = try ToyDistribution(parsing: "moons").sample(count: 64, using: &generator)
        return Dataset(name: "toy:moons", examples: points, valueRange: -2...3)
    }

    func pointTrainer(
        _ data: LatentData.Dataset, likelihood: Likelihood, dataProtocol: DataPresentation = .intensities,
        folder: String
    ) throws -> VariationalTrainer {
        var configuration = tinyConfiguration(.vae, likelihood: likelihood)
        configuration.imageShape = [2]
        var options = tinyTrainingOptions(epochs: 2)
        options.dataProtocol = dataProtocol
        return try VariationalTrainer(
            configuration: configuration, options: options, training: data, test: data,
            dataset: "toy:moons", folder: RunFolder(creating: folder, resuming: false), resuming: false)
    }

    /// A Bernoulli-type likelihood on data outside [0, 1] has an objective unbounded below: the
    /// trainer refuses it in one line naming the dataset, its values, the likelihood and the
    /// Gaussian alternatives, before writing anything.
    @Test(arguments: [Likelihood.bernoulli, .continuousBernoulli])
    func bernoulliLikelihoodsRefuseDataOutsideTheUnitInterval(likelihood: Likelihood) throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try moons()
        let error = try #require(throws: DataRangeError.self) {
            try pointTrainer(data, likelihood: likelihood, folder: folder)
        }
        let range = try #require(data.observedRange)
        #expect(range.lowerBound < 0 && range.upperBound > 1)
        #expect(error.values == range)
        for part in ["toy:moons: values lie in [", "the \(likelihood.rawValue) likelihood", "--likelihood gaussian or gaussian-learned"] {
            #expect(error.description.contains(part), "\(error)")
        }
        #expect(!error.description.contains("\n"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/config.json"))
    }

    /// The binarised protocols draw pixels as Bernoulli(x): refused for data outside [0, 1]
    /// whatever the likelihood.
    @Test(arguments: [DataPresentation.staticBinarized, .dynamicBinarized])
    func binarisedProtocolsRefuseDataOutsideTheUnitInterval(dataProtocol: DataPresentation) throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = try #require(throws: DataRangeError.self) {
            try pointTrainer(try moons(), likelihood: .gaussian, dataProtocol: dataProtocol, folder: folder)
        }
        #expect(error.description.contains("--data-protocol \(dataProtocol.rawValue)"), "\(error)")
    }

    /// A Gaussian likelihood trains on the same points, and is what `latent train` picks for
    /// them when no likelihood is given; images in [0, 1] keep the Bernoulli.
    @Test func gaussianLikelihoodTrainsOnPointsAndIsTheirDefault() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try moons()
        #expect(Likelihood.suited(to: [data]) == .gaussian)
        #expect(Likelihood.suited(to: [tinyPatterns()]) == .bernoulli)
        for likelihood in [Likelihood.gaussian, .gaussianLearnedVariance] {
            try? FileManager.default.removeItem(atPath: folder)
            let summary = try pointTrainer(data, likelihood: likelihood, folder: folder).run(quiet: true)
            #expect(summary.test.negativeELBO.isFinite, "\(likelihood)")
        }
    }

    /// A run stopped mid-epoch and resumed ends with the same parameters, bit for bit, as an
    /// uninterrupted run, after the same 18 steps (3 epochs of 6), with the same per-epoch test
    /// records (the epoch's training loss included). Checkpoints every 4 steps; stopped after
    /// step 10 (as by SIGKILL; the checkpoint of step 8 is the last) or after step 12 (its
    /// checkpoint holds the epoch's last batch but not the epoch's end). Grey-level data under
    /// dynamic binarisation, so the skipped batches' draws matter; the score-function case also
    /// carries its moving baseline across.
    @Test(arguments: [
        (GradientEstimator.reparameterization, 10), (.scoreFunction, 10), (.reparameterization, 12),
    ])
    func runResumedFromAMidEpochCheckpointEndsWithTheSameWeights(
        estimator: GradientEstimator, stoppedAfter: Int
    ) throws {
        let straight = TemporaryFolder.path("test"), split = TemporaryFolder.path("test")
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: split)
        }
        var data = tinyPatterns()
        data.examples = 0.2 + 0.6 * data.examples
        func trainer(folder: String, resuming: Bool) throws -> VariationalTrainer {
            var configuration = tinyConfiguration(.vae)
            configuration.estimator = estimator
            var options = tinyTrainingOptions(epochs: 3)
            options.dataProtocol = .dynamicBinarized
            options.checkpointEvery = 4
            return try VariationalTrainer(
                configuration: configuration, options: options, training: data, test: data,
                dataset: "patterns", folder: RunFolder(creating: folder, resuming: resuming), resuming: resuming)
        }
        let reference = try trainer(folder: straight, resuming: false)
        #expect(try reference.run(quiet: true).steps == 18)

        let interrupted = try trainer(folder: split, resuming: false)
        interrupted.interruptionStep = stoppedAfter
        #expect(throws: RunError.self) { try interrupted.run(quiet: true) }
        let resumed = try trainer(folder: split, resuming: true)
        #expect(try resumed.run(quiet: true).steps == 18)

        for ((name, expected), (_, actual)) in zip(reference.model.namedParameters, resumed.model.namedParameters) {
            #expect(expected.value.scalars == actual.value.scalars, "\(estimator): \(name) differs")
        }
        let testRecords = { (folder: String) in
            MetricsLog.read(URL(fileURLWithPath: folder).appendingPathComponent("metrics.jsonl"))
                .filter { $0["split"] as? String == "test" }
                .map { [$0["step"] as? Int, $0["epoch"] as? Int].map { Double($0 ?? -1) }
                    + [$0["train_loss"] as? Double ?? .nan, $0["test_loss"] as? Double ?? .nan] }
        }
        #expect(testRecords(straight).map { $0[0] } == [6, 12, 18])
        #expect(testRecords(split) == testRecords(straight))
        // The records the stopped session logged past its last checkpoint are dropped on resume.
        let trainingSteps = { (folder: String) in
            MetricsLog.read(URL(fileURLWithPath: folder).appendingPathComponent("metrics.jsonl"))
                .filter { $0["split"] as? String == "train" }.compactMap { $0["step"] as? Int }
        }
        #expect(trainingSteps(split) == trainingSteps(straight))
    }

    /// A mid-epoch checkpoint resumed with another batch size starts that epoch over, instead
    /// of skipping a count of batches that meant other examples: checkpoint at step 8 (2 of
    /// epoch 2's 6 batches of 16), resumed with batches of 32 (3 per epoch): 8 + 3 + 3 steps.
    @Test func midEpochResumeWithAnotherBatchSizeStartsTheEpochOver() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func trainer(batchSize: Int, resuming: Bool) throws -> VariationalTrainer {
            var options = tinyTrainingOptions(epochs: 3)
            options.batchSize = batchSize
            options.checkpointEvery = 4
            return try VariationalTrainer(
                configuration: tinyConfiguration(.vae), options: options, training: tinyPatterns(), test: tinyPatterns(),
                dataset: "patterns", folder: RunFolder(creating: folder, resuming: resuming), resuming: resuming)
        }
        let interrupted = try trainer(batchSize: 16, resuming: false)
        interrupted.interruptionStep = 10
        #expect(throws: RunError.self) { try interrupted.run(quiet: true) }
        #expect(try trainer(batchSize: 32, resuming: true).run(quiet: true).steps == 14)
    }

    @Test func aFolderWithATrainedRunIsNotOverwritten() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try trainer(.vae, epochs: 1, folder: folder).run(quiet: true)
        #expect(throws: RunError.self) { try RunFolder(creating: folder, resuming: false) }
    }

    /// A diverging run stops with the step number and leaves the last good checkpoint intact.
    @Test func nonFiniteLossStopsTheRunAndKeepsTheCheckpoint() throws {
        let folder = TemporaryFolder.path("test")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try trainer(.vae, epochs: 1, folder: folder).run(quiet: true)
        let checkpoint = URL(fileURLWithPath: folder).appendingPathComponent("checkpoint.safetensors")
        let saved = try Data(contentsOf: checkpoint)
        let run = try trainer(.vae, epochs: 2, folder: folder, resuming: true)
        #expect(run.changedOnResume.isEmpty, "only the epoch count changed: \(run.changedOnResume)")
        run.model.decoder.layers[0].weight.updateInPlace { $0[0] = .nan }
        do {
            try run.run(quiet: true)
            Issue.record("expected the run to stop")
        } catch let error as RunError {
            #expect(error.description.contains("at step 7"), "\(error)")
        }
        #expect(try Data(contentsOf: checkpoint) == saved)
    }
}
