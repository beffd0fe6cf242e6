import ArgumentParser
import Foundation
import LatentData
import LatentDistributed
import LatentModels
import LatentNN

extension ModelName {
    /// The adversarial kind, for members of that family.
    var adversarialKind: AdversarialKind? { AdversarialKind(rawValue: rawValue) }
}

extension TrainCommand {
    /// `latent train gan|dcgan|wgan|wgan-gp|sngan|cgan|infogan`: each paper's recipe, with the
    /// options the user gave over it.
    func trainAdversarial(arguments: [String]?, continuing saved: RunConfiguration? = nil) throws {
        let kind = model.adversarialKind!
        let training = try DataLoading.load(data, split: .train)
        guard training.exampleShape.count != 3 || training.valueRange.lowerBound >= 0
            && training.valueRange.upperBound <= 1
        else {
            throw RunError("\(data.dataset): adversarial models expect images in [0, 1], got \(training.valueRange)")
        }
        // A resume with only continuation options keeps the run's own model and options.
        let configuration = try saved?.adversarial ?? adversarial.configuration(
            kind: kind, exampleShape: training.exampleShape, classCount: training.classCount ?? 0,
            architecture: architecture?.adversarial(), width: width)
        let options = adversarialOptions(
            kind: kind, exampleShape: training.exampleShape, trainingCount: training.count,
            continuing: saved?.adversarialTraining)
        if saved == nil, let arguments {
            try TrainCommand.checkOptionsTakeEffect(
                given: TrainCommand.givenOptionNames(arguments), adversarial: configuration, options: options)
        }
        let world = try MPIProcessGroup.world()
        guard let (trainer, folder) = try setUpRun(
            batchSize: options.batchSize, world: world, arguments: arguments, continuing: saved, { folder in
                try AdversarialTrainer(
                    configuration: configuration, options: options, training: training,
                    dataset: data.dataset, folder: folder, resuming: resume, group: world)
            })
        else { return }
        let summary = try trainer.run()
        FileHandle.standardError.write(Data(TrainCommand.folderSummary(folder, files: TrainCommand.adversarialFiles).utf8))
        let shown = summary.lastFields.map { "\($0.0) \(String(format: "%.4g", $0.1))" }
        if summary.stepsTaken == 0 {
            print("\(kind.rawValue): already at \(summary.steps) generator steps, none left to take; "
                + "checkpoint, pictures and report rewritten")
        } else {
            print("\(kind.rawValue): \(summary.steps) generator steps; last step: " + shown.joined(separator: ", "))
        }
        if json {
            print(JSONText.object(
                [("run", .text(folder.url.path)), ("model", .text(kind.rawValue)), ("steps", .integer(summary.steps))]
                    + summary.lastFields.map { ($0.0, .number(Double($0.1))) }
                    + [("seconds", .number(summary.seconds))]))
        }
    }
}

extension TrainCommand {
    /// The training options of `kind` on data of `exampleShape` with `trainingCount` examples:
    /// the recipe with the adversarial options and the shared ones given over it, or a
    /// continued run's own options (`saved`) with the continuation options given over them.
    func adversarialOptions(
        kind: AdversarialKind, exampleShape: [Int], trainingCount: Int,
        continuing saved: AdversarialTrainingOptions? = nil
    ) -> AdversarialTrainingOptions {
        var options: AdversarialTrainingOptions
        if let saved {
            options = saved
            if let steps = adversarial.steps { options.steps = steps }
            if let synchronized = adversarial.synchronizedBatchNorm {
                options.synchronizedBatchNorm = synchronized ? true : nil
            }
        } else {
            options = adversarial.options(kind: kind, exampleShape: exampleShape)
            // The shared --batch-size and --learning-rate override the recipe when given.
            if let batchSize { options.batchSize = batchSize }
            if let learningRate { options.learningRate = learningRate }
            options.seed = seed
            options.trainingLimit = trainingLimit
        }
        if let epochs {
            let usable = min(options.trainingLimit ?? trainingCount, trainingCount)
            let batches = max(usable / options.batchSize, 1)
            options.steps = max(epochs * batches / options.discriminatorSteps, 1)
        }
        // Only when given: otherwise the recipe's, or the continued run's own.
        if let logEvery { options.logEvery = logEvery }
        if let checkpointEvery { options.checkpointEvery = checkpointEvery }
        if let sampleEvery { options.sampleEvery = sampleEvery }
        return options
    }
}

/// Options of the adversarial family; each defaults to the model's published recipe.
struct AdversarialOptions: ParsableArguments {
    @Option(help: "Generator steps (default 10000; gan on 2-D data: 12000; --epochs converts passes over the data).")
    var steps: Int?

    @Option(name: .customLong("d-steps"), help: "Discriminator (critic) steps per generator step, the GAN paper's k (wgan, wgan-gp: 5; else 1).")
    var discriminatorSteps: Int?

    @Option(help: "Objective: \(AdversarialLoss.allCases.map(\.rawValue).joined(separator: ", ")) (default: the model's).")
    var loss: AdversarialLoss?

    @Option(help: "Optimiser: sgd (momentum), adam or rmsprop (default: the model's). --learning-rate and --batch-size override the recipe when given.")
    var optimizer: AdversarialOptimizer?

    @Option(name: .customLong("d-learning-rate"), help: "The discriminator's step size (default: the generator's).")
    var discriminatorLearningRate: Float?

    @Option(help: "Adam's beta1.")
    var beta1: Float?

    @Option(help: "Adam's beta2.")
    var beta2: Float?

    @Option(help: "SGD's momentum (gan: 0.5).")
    var momentum: Float?

    @Option(help: "WGAN's weight clipping bound c (wgan: 0.01).")
    var clip: Float?

    @Option(help: "WGAN-GP's penalty weight lambda (wgan-gp: 10).")
    var penaltyWeight: Float?

    @Option(help: "One-sided label smoothing: real examples are labelled 1 - s.")
    var labelSmoothing: Float = 0

    @Flag(help: "Train G by feature matching on D's last hidden layer (Salimans et al. 2016).")
    var featureMatching = false

    @Flag(name: .customLong("sync-batch-norm"), inversion: .prefixedNo, help: "Under mpirun, BatchNorm normalises with the whole batch's statistics, summed over the processes (PyTorch's SyncBatchNorm; default: each process's own rows'). With --resume, turns it on or off for the rest of the run.")
    var synchronizedBatchNorm: Bool?

    @Flag(inversion: .prefixedNo, help: "Keep an exponential moving average of the generator's weights and sample from it (default: off; on for gan on 2-D data).")
    var ema: Bool?

    @Option(help: "Decay of the generator weight average (default 0.999; gan on 2-D data: 0.995).")
    var emaDecay: Float?

    @Option(help: "PacGAN's packing: D scores groups of m examples concatenated (default 1; gan on 2-D data: 2; the batch size must be a multiple).")
    var pack: Int?

    @Option(name: .customLong("minibatch-stddev"), help: "Minibatch standard deviation (Karras et al. 2018) before D's head, over groups of G inputs (the paper: 4).")
    var minibatchDeviationGroup: Int?

    @Option(name: .customLong("lr-decay"), help: "Step-size decay over the run for both players: none, linear or cosine (to 0 at the last step) (default: none; gan on 2-D data: linear).")
    var learningRateDecay: AdversarialLearningRateDecay?

    @Option(help: "Dimension of the noise z (default: 100 for images, 16 for 2-D data; infogan 62 / 8).")
    var noise: Int?

    @Option(name: .customLong("g-hidden"), help: "Hidden sizes of an MLP generator, comma-separated.", transform: VariationalOptions.sizes)
    var generatorHidden: [Int]?

    @Option(name: .customLong("d-hidden"), help: "Hidden sizes of an MLP or maxout discriminator, comma-separated.", transform: VariationalOptions.sizes)
    var discriminatorHidden: [Int]?

    @Option(help: "Dropout probability on D's hidden layers (gan on images: 0.5).")
    var dropout: Float?

    @Option(name: .customLong("g-negative-slope"), help: "Leaky-ReLU slope of an MLP generator's hidden layers (0: ReLU; cgan: 0.2).")
    var generatorNegativeSlope: Float?

    @Option(help: "cgan: the label enters D by projection (Miyato & Koyama 2018) instead of joining its input: true or false.")
    var projection: Bool?

    @Option(name: .customLong("g-output"), help: "The generator's last nonlinearity: sigmoid, tanh (images scaled to [-1, 1]) or linear (default: the model's).")
    var generatorOutput: GeneratorOutput?

    @Option(name: .customLong("g-batch-norm"), help: "BatchNorm after an MLP generator's hidden layers: true or false (default: the model's).")
    var generatorBatchNorm: Bool?

    @Option(name: .customLong("fc-width"), help: "Width of the fully connected layer opening a convolutional G and closing D's body (infogan: 1024, InfoGAN's networks; 0: DCGAN's layout).")
    var fullyConnectedWidth: Int?

    @Option(name: .customLong("d-negative-slope"), help: "Leaky-ReLU slope of a convolutional D (default 0.2; infogan 0.1).")
    var discriminatorNegativeSlope: Float?

    @Option(name: .customLong("uniform-noise"), help: "Noise uniform on [-1, 1] instead of N(0, I): true or false (default: the model's; gan and infogan on images: true).")
    var uniformNoise: Bool?

    @Option(help: "InfoGAN's mutual-information weight lambda.")
    var infoWeight: Float = 1

    /// The model these options describe over the recipe of `kind`, with the shared
    /// `--architecture` and `--width` (DCGAN's ngf = ndf, default 64) when given.
    func configuration(
        kind: AdversarialKind, exampleShape: [Int], classCount: Int,
        architecture: AdversarialArchitecture? = nil, width: Int? = nil
    ) throws -> AdversarialConfiguration {
        var configuration = AdversarialConfiguration.recipe(kind, exampleShape: exampleShape, classCount: classCount)
        if let loss { configuration.loss = loss }
        if let noise { configuration.noiseDimension = noise }
        if let architecture {
            configuration.architecture = architecture
            if architecture == .convolutional && configuration.output == .sigmoid { configuration.output = .tanh }
        }
        configuration.width = width ?? 64
        if let generatorHidden { configuration.generatorHidden = generatorHidden }
        if let discriminatorHidden { configuration.discriminatorHidden = discriminatorHidden }
        if let dropout { configuration.dropout = dropout }
        if let generatorNegativeSlope { configuration.generatorNegativeSlope = generatorNegativeSlope }
        if let generatorBatchNorm { configuration.generatorBatchNorm = generatorBatchNorm }
        if let generatorOutput { configuration.output = generatorOutput }
        if let projection { configuration.labelProjection = projection }
        if let fullyConnectedWidth { configuration.fullyConnectedWidth = fullyConnectedWidth == 0 ? nil : fullyConnectedWidth }
        if let discriminatorNegativeSlope { configuration.discriminatorNegativeSlope = discriminatorNegativeSlope }
        if let uniformNoise { configuration.uniformNoise = uniformNoise }
        if let ema { configuration.averagesGenerator = ema }
        if let pack { configuration.packing = pack == 1 ? nil : pack }
        if let minibatchDeviationGroup { configuration.minibatchDeviationGroup = minibatchDeviationGroup }
        if configuration.architecture != .convolutional { configuration.discriminatorBatchNorm = false }
        try configuration.validate()
        return configuration
    }

    /// The training options over the recipe of `kind`.
    func options(kind: AdversarialKind, exampleShape: [Int]) -> AdversarialTrainingOptions {
        var options = AdversarialTrainingOptions.recipe(kind, exampleShape: exampleShape)
        if let steps { options.steps = steps }
        if let discriminatorSteps { options.discriminatorSteps = discriminatorSteps }
        if let optimizer { options.optimizer = optimizer }
        if let discriminatorLearningRate { options.discriminatorLearningRate = discriminatorLearningRate }
        if let beta1 { options.beta1 = beta1 }
        if let beta2 { options.beta2 = beta2 }
        if let momentum { options.momentum = momentum }
        if let clip { options.clipValue = clip }
        if let penaltyWeight { options.penaltyWeight = penaltyWeight }
        options.labelSmoothing = labelSmoothing
        if let learningRateDecay { options.learningRateDecay = learningRateDecay == .none ? nil : learningRateDecay }
        options.featureMatching = featureMatching
        options.synchronizedBatchNorm = synchronizedBatchNorm == true ? true : nil
        if let emaDecay { options.averageDecay = emaDecay }
        options.informationWeight = infoWeight
        return options
    }
}

extension AdversarialLoss: ExpressibleByArgument {}
extension AdversarialOptimizer: ExpressibleByArgument {}
extension AdversarialLearningRateDecay: ExpressibleByArgument {}
extension GeneratorOutput: ExpressibleByArgument {}
