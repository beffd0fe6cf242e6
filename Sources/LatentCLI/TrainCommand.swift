import ArgumentParser
import Foundation
import LatentData
import LatentDistributed
import LatentModels
import LatentNN

/// `latent train <model>`: trains a model and leaves a run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model and write a run folder (config, checkpoint, metrics, pictures, report).",
        discussion: "Run `latent models` for the list of models. Example: latent train vae --epochs 10 --out runs/vae\n"
            + "Started by OpenMPI's mpirun (mpirun -np 4 latent train vae --out runs/vae-4), the processes train one "
            + "model data-parallel, each on its share of every batch; see docs/distributed.md.")

    @Argument(help: "The model to train (see `latent models`).")
    var model: ModelName

    @OptionGroup var data: DataOptions

    @Option(help: "The run folder to write.")
    var out: String

    @Flag(help: "Continue the run in --out from its last checkpoint.")
    var resume = false

    @Option(help: "Passes over the training set (default: 10 for the variational models, 5 for the classifier).")
    var epochs: Int?

    @Option(help: "Examples per step (default: 128 for the variational models and the classifier; each GAN recipe's own).")
    var batchSize: Int?

    @Option(help: "The optimiser's step size (default: 1e-3 for the variational models and the classifier; each GAN recipe's own).")
    var learningRate: Float?

    @Option(help: "Seed for initialisation, shuffling and noise; the same seed repeats the run.")
    var seed: UInt64 = 1

    @Option(help: "Use only the first N training examples (quick runs).")
    var trainingLimit: Int?

    @Option(help: "Evaluate on only the first N test examples.")
    var testLimit: Int?

    @Option(help: """
        Steps between extra checkpoints; a checkpoint is also written at the end of every epoch \
        (variational models) or of the run (adversarial models); 0: no extra ones (default: 0 for \
        the variational models, 1000 for the adversarial ones).
        """)
    var checkpointEvery: Int?

    @Option(help: """
        Sample pictures during training: every N epochs for the variational models (default 1), \
        every N generator steps for the adversarial ones (default 1000); 0: only at the end.
        """)
    var sampleEvery: Int?

    @Option(help: "Steps between training records in metrics.jsonl (default 100, or a resumed run's own).")
    var logEvery: Int?

    @Flag(help: "Print the result as one JSON object on the last line.")
    var json = false

    @Option(help: "Classifier: multiply the learning rate by this after every epoch.")
    var learningRateDecay: Float = 0.7

    @Option(help: "Classifier architecture: conv (two conv layers, the shipped feature extractor) or mlp (one hidden layer, 256 wide by default).")
    var classifierArchitecture: ClassifierConfiguration.Architecture = .conv

    @Option(help: "Classifier: width of the penultimate (feature) layer, the features latent eval reads (default: 128 for conv, 256 for mlp).")
    var classifierFeatures: Int?

    @Option(help: "Classifier: dropout probability before the output layer during training (default: 0.25 for conv, 0 for mlp).")
    var classifierDropout: Float?

    @Option(help: """
        Layers: mlp, convolutional (or conv), or maxout (the GAN paper's D; adversarial models \
        only) (default: mlp for the variational models, each GAN recipe's own).
        """)
    var architecture: ArchitectureName?

    @Option(help: "Base channel count of the convolutional models (default: 32 for the variational models; DCGAN's ngf = ndf, 64).")
    var width: Int?

    @OptionGroup(title: "Variational models (ae, vae, beta-vae, iwae, cvae)")
    var variational: VariationalOptions

    @OptionGroup(title: "Adversarial models (gan, dcgan, wgan, wgan-gp, sngan, cgan, infogan)")
    var adversarial: AdversarialOptions

    func validate() throws {
        // What the model does not take is said before any range check of those options.
        if let invocation = TrainCommand.invocationArguments {
            try TrainCommand.checkOptionsApply(to: model, in: invocation)
        }
        try validateFloatOptions()
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive.") }
        if let batchSize, batchSize <= 0 { throw ValidationError("--batch-size must be positive.") }
        if let learningRate, learningRate <= 0 { throw ValidationError("--learning-rate must be positive.") }
        if let logEvery, logEvery <= 0 { throw ValidationError("--log-every must be positive.") }
        if let trainingLimit, trainingLimit <= 0 { throw ValidationError("--training-limit must be positive.") }
        if let width, width <= 0 { throw ValidationError("--width must be positive.") }
        if let classifierFeatures, classifierFeatures <= 0 { throw ValidationError("--classifier-features must be positive.") }
        if architecture == .maxout, model.variationalKind != nil {
            throw ValidationError("--architecture maxout is the GAN paper's discriminator; \(model.rawValue) takes mlp or convolutional.")
        }
        try variational.validate(for: model)
        try validateCounts()
    }

    func run() throws { try run(invocation: TrainCommand.invocationArguments) }

    /// Runs the command given as `invocation` (its arguments after `train`; `nil` when not
    /// started from the command line, so nothing is replayed or recorded).
    func run(invocation: [String]?) throws {
        // Under mpirun, MPI starts here; any failure below stops every rank (MPI_Abort), so
        // none waits for ever on one that has stopped.
        let world: any ProcessGroup
        do {
            world = try MPIProcessGroup.world()
        } catch {
            FileHandle.standardError.write(Data("latent train: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        defer { MPIProcessGroup.finish() }
        do {
            if let invocation { try TrainCommand.checkOptionsApply(to: model, in: invocation) }
            // Rank 0 reads config.json for every rank (a collective: every rank makes the call).
            if resume, let invocation,
               let saved = try? ((try? runFolder(for: world, resuming: true)) ?? RunFolder(unchecked: out))
                   .readConfiguration(sharedBy: world),
               let recorded = saved.arguments,
               let replayed = TrainCommand.replayedArguments(recorded: recorded, current: invocation, model: model.rawValue)
            {
                guard saved.model == model.rawValue else {
                    throw RunError("--resume: \(out) holds a \(saved.model) run, not \(model.rawValue)")
                }
                if world.isLeader {
                    FileHandle.standardError.write(Data(
                        "--resume: continuing with the run's own options: \(replayed.joined(separator: " "))\n".utf8))
                }
                let command: TrainCommand
                do {
                    command = try TrainCommand.parse(replayed + ["--resume"] + (json ? ["--json"] : []))
                } catch {
                    throw RunError("--resume: the options recorded in \(out)/config.json are not accepted any more: "
                        + "\(TrainCommand.message(for: error).trimmingCharacters(in: CharacterSet(charactersIn: ". ")))"
                        + "; give the model's options on the command line instead")
                }
                try command.train(arguments: replayed, continuing: saved)
            } else {
                // Another dataset is named before anything else about the run is compared.
                if resume, world.isLeader, let folder = try? runFolder(for: world, resuming: true), folder.hasCheckpoint {
                    try folder.checkResumeDataset(data.dataset)
                }
                try train(arguments: invocation.map { TrainCommand.recordable($0) })
            }
        } catch let error as ExitCode {
            if error.rawValue != 0, let mpi = world as? MPIProcessGroup {
                mpi.abort(message: "latent train: stopped", code: error.rawValue)
            }
            throw error
        } catch {
            // One line naming what and where, non-zero exit.
            if let mpi = world as? MPIProcessGroup { mpi.abort(message: "latent train: error: \(error)") }
            FileHandle.standardError.write(Data("latent train: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Trains the model this command describes; `arguments` (model first) go into config.json.
    ///
    /// `continuing` is the run's `config.json` when a `--resume` gave only continuation options:
    /// the model and its training options are then the run's own, with those options applied,
    /// not what its recorded arguments give under this version's defaults.
    private func train(arguments: [String]?, continuing saved: RunConfiguration? = nil) throws {
        switch model {
        case .classifier:
            try trainClassifier(arguments: arguments, continuing: saved)
        case _ where model.adversarialKind != nil:
            try trainAdversarial(arguments: arguments, continuing: saved)
        default:
            try trainVariational(arguments: arguments, continuing: saved)
        }
    }

    /// The training options of a variational model: PyTorch's examples/vae (10 epochs, batches
    /// of 128, Adam 1e-3) with the options given over it, or a continued run's own options
    /// (`saved`) with the continuation options given over them.
    func variationalOptions(continuing saved: VariationalTrainingOptions? = nil) -> VariationalTrainingOptions {
        var options: VariationalTrainingOptions
        if let saved {
            options = saved
            if let epochs { options.epochs = epochs }
        } else {
            options = VariationalTrainingOptions()
            options.epochs = epochs ?? variational.schedule.prescribedEpochs ?? 10
            options.batchSize = batchSize ?? 128
            options.learningRate = learningRate ?? 1e-3
            options.adamEpsilon = variational.adamEpsilon ?? (variational.schedule == .iwaePaper ? 1e-4 : 1e-8)
            options.finalLearningRate = variational.finalLearningRate
            options.seed = seed
            options.dataProtocol = variational.dataProtocol
            options.schedule = variational.schedule
            options.initializesOutputBias = variational.initOutputBias
            options.trainingLimit = trainingLimit
            options.testLimit = testLimit
        }
        if let checkpointEvery { options.checkpointEvery = checkpointEvery }
        if let sampleEvery { options.sampleEvery = sampleEvery }
        if let logEvery { options.logEvery = logEvery }
        return options
    }

    private func trainVariational(arguments: [String]?, continuing saved: RunConfiguration?) throws {
        let training = try DataLoading.load(data, split: .train)
        let test = try DataLoading.load(data, split: .test)
        // A resume with only continuation options keeps the run's own model and options.
        let configuration = saved?.variational ?? {
            var configuration = variational.configuration(kind: model.variationalKind!)
            configuration.imageShape = training.exampleShape
            if let architecture { configuration.architecture = architecture.variational() }
            if let width { configuration.convolutionWidth = width }
            configuration.classCount = model == .cvae ? (training.classCount ?? 0) : 0
            // Data outside [0, 1] (the 2-D toys) gets a Gaussian decoder unless one is named.
            if variational.likelihood == nil, Likelihood.suited(to: [training, test]) == .gaussian {
                configuration.likelihood = .gaussian
                if (try? MPIProcessGroup.world())?.isLeader == false { return configuration }
                FileHandle.standardError.write(Data(("\(data.dataset): values outside [0, 1], so a Gaussian decoder "
                    + "(--likelihood gaussian --output-std \(configuration.outputStandardDeviation))\n").utf8))
            }
            return configuration
        }()
        let options = variationalOptions(continuing: saved?.variationalTraining)
        if saved == nil, let arguments {
            try TrainCommand.checkOptionsTakeEffect(
                given: TrainCommand.givenOptionNames(arguments), variational: configuration, options: options)
        }
        // The layer sizes first: a typo there is named as such.
        try configuration.validate()
        try TrainCommand.checkDecodedBatch(
            configuration, batchSize: min(options.batchSize, options.trainingLimit ?? training.count, training.count))
        let world = try MPIProcessGroup.world()
        guard let (trainer, folder) = try setUpRun(
            batchSize: options.batchSize, world: world, arguments: arguments, continuing: saved, { folder in
                try VariationalTrainer(
                    configuration: configuration, options: options, training: training, test: test,
                    dataset: data.dataset, folder: folder, resuming: resume, group: world)
            })
        else { return }
        let summary = try trainer.run()
        FileHandle.standardError.write(Data(TrainCommand.folderSummary(folder, files: TrainCommand.variationalFiles).utf8))
        let line = String(format: "test loss (negative ELBO) %.2f nats/image = reconstruction %.2f + KL %.2f after %d %@",
                          summary.test.negativeELBO, summary.test.reconstruction, summary.test.kl, summary.epochs,
                          summary.epochs == 1 ? "epoch" : "epochs")
        print(line)
        if json {
            print(JSONText.object([
                ("run", .text(folder.url.path)), ("model", .text(model.rawValue)), ("epochs", .integer(summary.epochs)),
                ("neg_elbo", .number(Double(summary.test.negativeELBO))),
                ("reconstruction", .number(Double(summary.test.reconstruction))),
                ("kl", .number(Double(summary.test.kl))), ("seconds", .number(summary.seconds)),
            ]))
        }
    }
}

/// Options of the variational family.
struct VariationalOptions: ParsableArguments {
    @Option(help: "Dimension of the latent code z.")
    var latent: Int = 20

    @Option(help: "Hidden layer sizes, comma-separated (e.g. 400 or 200,200).", transform: VariationalOptions.sizes)
    var hidden: [Int] = [400]

    @Option(help: "Hidden nonlinearity: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: Activation = .relu

    @Option(help: "Decoder distribution: \(Likelihood.allCases.map(\.rawValue).joined(separator: ", ")) (default: bernoulli for data in [0, 1], else gaussian).")
    var likelihood: Likelihood?

    @Option(help: "Standard deviation of the fixed-variance Gaussian likelihood.")
    var outputStd: Float = 0.1

    @Option(help: "KL weight of beta-vae.")
    var beta: Float = 4

    @Option(help: "Samples of z per example in the training bound (IWAE's k).")
    var importanceSamples: Int?

    @Option(help: "Encoder gradient estimator: reparameterization or score-function.")
    var estimator: GradientEstimator = .reparameterization

    @Flag(inversion: .prefixedNo, help: "Moving-average baseline for the score-function estimator.")
    var baseline = true

    @Option(help: "Data protocol: intensities ([0,1] grey levels), static or dynamic binarisation.")
    var dataProtocol: DataPresentation = .intensities

    @Option(help: """
        Learning-rate schedule over the epochs: constant; exponential or cosine (from --learning-rate \
        at the first epoch to --final-learning-rate at the last); or iwae-paper (3,280 passes, \
        Burda et al. 2016).
        """)
    var schedule: TrainingSchedule = .constant

    @Option(help: "The rate the exponential and cosine schedules reach at the last epoch (default: a tenth of --learning-rate).")
    var finalLearningRate: Float?

    @Option(help: "Adam's epsilon (default: 1e-4 with --schedule iwae-paper, else 1e-8).")
    var adamEpsilon: Float?

    @Flag(help: "Start the decoder's output bias at the logits of the training pixel means.")
    var initOutputBias = false

    static func sizes(_ text: String) throws -> [Int] {
        let sizes = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--hidden takes positive sizes separated by commas, e.g. 200,200; got '\(text)'")
        }
        return sizes.map { $0! }
    }

    func validate(for model: ModelName) throws {
        guard latent > 0 else { throw ValidationError("--latent must be positive.") }
        if let finalLearningRate, !(finalLearningRate > 0) {
            throw ValidationError("--final-learning-rate must be positive.")
        }
        if let adamEpsilon, !(adamEpsilon > 0) { throw ValidationError("--adam-epsilon must be positive.") }
        if let importanceSamples, importanceSamples < 1 {
            throw ValidationError("--importance-samples must be at least 1.")
        }
        if model == .ae && estimator == .scoreFunction {
            throw ValidationError("--estimator score-function needs a sampling step; the ae has none.")
        }
        if model == .iwae && estimator == .scoreFunction {
            throw ValidationError("--estimator score-function is implemented for vae, beta-vae and cvae.")
        }
    }

    /// The model configuration these options describe.
    func configuration(kind: VariationalKind) -> VariationalConfiguration {
        var configuration = VariationalConfiguration()
        configuration.kind = kind
        configuration.latentDimension = latent
        configuration.hidden = hidden
        configuration.activation = activation
        configuration.likelihood = likelihood ?? .bernoulli
        configuration.outputStandardDeviation = outputStd
        configuration.beta = kind == .betaVAE ? beta : 1
        configuration.importanceSamples = importanceSamples ?? (kind == .iwae ? 5 : 1)
        configuration.estimator = estimator
        configuration.usesBaseline = baseline
        return configuration
    }
}

extension TrainCommand {
    /// Options that continue a run rather than describe it. A `--resume` command that sets
    /// nothing else replays the arguments recorded in `config.json` with these after them (the
    /// last value of an option wins), so `latent train dcgan --out R --resume --epochs 10`
    /// continues R with every option it was trained with.
    static let continuationOptions: Set<String> = [
        "--out", "--resume", "--epochs", "--steps", "--json", "--log-every", "--checkpoint-every",
        "--sample-every", "--data-dir", "--sync-batch-norm", "--no-sync-batch-norm",
    ]
    /// Continuation flags given as `--no-<name>` too: either replaces the other's recorded one.
    static let invertedContinuationFlags: [String: String] = ["--no-sync-batch-norm": "--sync-batch-norm"]
    /// The continuation options that take a value.
    static let continuationValueOptions: Set<String> = [
        "--out", "--epochs", "--steps", "--log-every", "--checkpoint-every", "--sample-every", "--data-dir",
    ]

    /// The options that set a run's length: an adversarial run takes one of them.
    static let runLengthOptions: Set<String> = ["--epochs", "--steps"]

    /// Flags that belong to one invocation, never to the run: left out of the recorded arguments.
    static let invocationFlags: Set<String> = ["--resume", "--json"]

    /// This process's arguments after `train`, or `nil` when it was not started as `latent train`.
    static var invocationArguments: [String]? {
        let all = CommandLine.arguments
        guard let index = all.firstIndex(of: "train") else { return nil }
        return Array(all[(index + 1)...])
    }

    /// `arguments` without the flags that belong to one invocation (`--resume`, `--json`).
    static func recordable(_ arguments: [String]) -> [String] {
        arguments.filter { !invocationFlags.contains($0) }
    }

    /// The arguments a `--resume` command runs: those recorded with the run followed by the
    /// command's continuation options, or `nil` when the command sets anything else (its own
    /// options then describe the run, and the trainer names what differs).
    ///
    /// - Parameters:
    ///   - recorded: the run's recorded arguments, model first.
    ///   - current: this invocation's arguments after `train`.
    ///   - model: the model this invocation names.
    static func replayedArguments(recorded: [String], current: [String], model: String) -> [String]? {
        var continuation: [[String]] = []
        var sawModel = false
        for group in optionGroups(current) {
            if group[0].hasPrefix("--") {
                guard continuationOptions.contains(optionName(group[0])) else { return nil }
                continuation.append(group)
            } else if group[0] == model && !sawModel {
                sawModel = true
            } else {
                return nil
            }
        }
        continuation = continuation.filter { !invocationFlags.contains(optionName($0[0])) }
        // The recorded values of the options given again are dropped, so the record stays short;
        // --epochs and --steps both set a run's length, so either replaces both.
        func canonical(_ name: String) -> String { invertedContinuationFlags[name] ?? name }
        var given = Set(continuation.map { canonical(optionName($0[0])) })
        if !given.isDisjoint(with: runLengthOptions) { given.formUnion(runLengthOptions) }
        let kept = optionGroups(recordable(recorded)).filter {
            !($0[0].hasPrefix("--") && given.contains(canonical(optionName($0[0]))))
        }
        return (kept + continuation).flatMap { $0 }
    }

    /// `--name` of `--name` or `--name=value`.
    private static func optionName(_ token: String) -> String {
        String(token.split(separator: "=", maxSplits: 1)[0])
    }

    /// The arguments in groups: a continuation option with its separate value, or one token.
    private static func optionGroups(_ arguments: [String]) -> [[String]] {
        var groups: [[String]] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token.hasPrefix("--"), !token.contains("="), continuationValueOptions.contains(token),
               index + 1 < arguments.count {
                groups.append([token, arguments[index + 1]])
                index += 2
            } else {
                groups.append([token])
                index += 1
            }
        }
        return groups
    }

    /// After the trainer is set up: says which training options a resumed run changed against
    /// its `config.json` (an option left out of a `--resume` command that sets others falls
    /// back to its default, which is rarely meant) and records the arguments that made the run.
    /// `asked`: the run's own options were replayed with continuation options over them, so
    /// every change is one the command asked for.
    func recordSetup(changes allChanges: [String], arguments: [String]?, in folder: RunFolder, asked: Bool) throws {
        let processes = allChanges.filter { $0.hasPrefix("processes: ") }
        let changes = allChanges.filter { !$0.hasPrefix("processes: ") }
        for change in processes {
            FileHandle.standardError.write(Data((
                "--resume: the run continues on another number of processes (\(change)); the noise of each "
                    + "step depends on it, so from here the run is not the one the old number would have trained\n").utf8))
        }
        if !changes.isEmpty && asked {
            FileHandle.standardError.write(Data((
                "--resume: from here on, as asked: " + changes.joined(separator: "; ") + "\n").utf8))
        } else if !changes.isEmpty {
            FileHandle.standardError.write(Data((
                "--resume: training options differ from \(folder.configurationURL.path) (rewritten with the new ones): "
                    + changes.joined(separator: "; ") + ". Give them again, or resume with only --epochs/--steps, "
                    + "to keep the run's own.\n").utf8))
        }
        guard let arguments else { return }
        var configuration = try folder.readConfiguration()
        configuration.arguments = arguments
        try folder.writeConfiguration(configuration)
    }
}
