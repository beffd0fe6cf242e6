import ArgumentParser
import Foundation
import Testing

@testable import LatentCLI
@testable import LatentModels

@Suite("Command parsing")
struct CommandParsingTests {
    @Test func trainParsesTheVariationalOptions() throws {
        let command = try TrainCommand.parse([
            "iwae", "--out", "runs/x", "--hidden", "200,200", "--activation", "tanh", "--latent", "50",
            "--importance-samples", "5", "--data-protocol", "dynamic", "--epochs", "3", "--seed", "7",
        ])
        #expect(command.model == .iwae)
        #expect(command.epochs == 3)
        #expect(command.seed == 7)
        let configuration = command.variational.configuration(kind: .iwae)
        #expect(configuration.hidden == [200, 200])
        #expect(configuration.activation == .tanh)
        #expect(configuration.latentDimension == 50)
        #expect(configuration.importanceSamples == 5)
        #expect(command.variational.dataProtocol == .dynamicBinarized)
    }

    @Test func theDefaultIsPyTorchsExample() throws {
        let command = try TrainCommand.parse(["vae", "--out", "runs/x"])
        let configuration = command.variational.configuration(kind: .vae)
        #expect(configuration == VariationalConfiguration())
        #expect(command.variationalOptions().batchSize == 128 && command.variationalOptions().epochs == 10)
        #expect(command.variationalOptions().learningRate == 1e-3)
        #expect(try TrainCommand.parse(["vae", "--batch-size", "64", "--out", "r"]).variationalOptions().batchSize == 64)
    }

    /// An explicit --batch-size replaces a GAN recipe's batch size even when it is 128 (the
    /// variational default); without it each recipe keeps its own.
    @Test func batchSizeOverridesTheGANRecipe() throws {
        func options(_ arguments: [String]) throws -> AdversarialTrainingOptions {
            try TrainCommand.parse(arguments + ["--out", "r"])
                .adversarialOptions(kind: .wganGP, exampleShape: [1, 28, 28], trainingCount: 60_000)
        }
        #expect(try options(["wgan-gp"]).batchSize == 64)
        #expect(try options(["wgan-gp", "--batch-size", "128"]).batchSize == 128)
        #expect(try options(["wgan-gp", "--batch-size", "128", "--epochs", "2"]).steps == 2 * 468 / 5)
        #expect(try options(["wgan-gp", "--learning-rate", "3e-4"]).learningRate == 3e-4)
        #expect(throws: (any Error).self) { try TrainCommand.parse(["gan", "--batch-size", "0", "--out", "r"]) }
    }

    @Test func iwaeDefaultsToFiveSamplesAndBetaOnlyAppliesToBetaVAE() throws {
        let command = try TrainCommand.parse(["iwae", "--out", "r", "--beta", "2"])
        #expect(command.variational.configuration(kind: .iwae).importanceSamples == 5)
        #expect(command.variational.configuration(kind: .iwae).beta == 1)
        #expect(command.variational.configuration(kind: .betaVAE).beta == 2)
    }

    @Test func trainParsesTheScheduleOptions() throws {
        let command = try TrainCommand.parse([
            "vae", "--out", "r", "--schedule", "exponential", "--final-learning-rate", "2e-5", "--adam-epsilon", "1e-4",
        ])
        #expect(command.variational.schedule == .exponential)
        #expect(command.variational.finalLearningRate == 2e-5)
        #expect(command.variational.adamEpsilon == 1e-4)
        #expect(try TrainCommand.parse(["vae", "--out", "r", "--schedule", "cosine"]).variational.schedule == .cosine)
        #expect(throws: (any Error).self) { try TrainCommand.parse(["vae", "--out", "r", "--final-learning-rate", "0"]) }
        #expect(throws: (any Error).self) { try TrainCommand.parse(["vae", "--out", "r", "--adam-epsilon", "-1"]) }
    }

    @Test func badValuesAreRejectedWithTheOptionNamed() {
        #expect(throws: (any Error).self) { try TrainCommand.parse(["vae", "--out", "r", "--epochs", "0"]) }
        #expect(throws: (any Error).self) { try TrainCommand.parse(["vae", "--out", "r", "--hidden", "20,x"]) }
        #expect(throws: (any Error).self) { try TrainCommand.parse(["nosuchmodel", "--out", "r"]) }
        #expect(throws: (any Error).self) { try TrainCommand.parse(["ae", "--out", "r", "--estimator", "score-function"]) }
        #expect(throws: (any Error).self) { try SampleCommand.parse(["--run", "r", "--out", "x.jpg"]) }
        #expect(throws: (any Error).self) { try EvalCommand.parse(["--run", "r", "--metrics", "elbo,fid2"]) }
    }

    /// The score-function estimator draws one z per example: `--importance-samples 3` with it is
    /// refused (when the trainer validates the model), not ignored.
    @Test func scoreFunctionWithSeveralSamplesIsRefused() throws {
        let command = try TrainCommand.parse([
            "vae", "--out", "r", "--estimator", "score-function", "--importance-samples", "3",
        ])
        #expect(throws: ConfigurationError.self) { try command.variational.configuration(kind: .vae).validate() }
    }

    /// An explicit --learning-rate reaches a GAN recipe even when it equals the VAE default.
    @Test func anExplicitLearningRateIsKept() throws {
        #expect(try TrainCommand.parse(["gan", "--out", "r", "--learning-rate", "1e-3"]).learningRate == 1e-3)
    }

    @Test func evalParsesMetricLists() throws {
        let command = try EvalCommand.parse(["--run", "r", "--metrics", "elbo,nll", "--samples", "100", "--json"])
        #expect(command.metrics == [.elbo, .nll])
        #expect(command.samples == 100)
        #expect(command.json)
        #expect(command.neighbours == 3)
        #expect(try EvalCommand.parse(["--real", "mnist", "--neighbours", "7"]).neighbours == 7)
        #expect(throws: (any Error).self) { try EvalCommand.parse(["--real", "mnist", "--neighbours", "0"]) }
    }

    /// A --resume with only continuation options replays the recorded arguments, the new
    /// values replacing the recorded ones; any other option stops the replay.
    @Test func resumeReplaysTheRecordedArguments() throws {
        let recorded = ["dcgan", "--fc-width", "1024", "--ema", "--epochs", "5", "--out", "runs/a", "--json"]
        let replayed = try #require(TrainCommand.replayedArguments(
            recorded: recorded, current: ["dcgan", "--out", "runs/a", "--resume", "--epochs", "10", "--json"], model: "dcgan"))
        #expect(replayed == ["dcgan", "--fc-width", "1024", "--ema", "--out", "runs/a", "--epochs", "10"])
        let command = try TrainCommand.parse(replayed + ["--resume"])
        #expect(command.epochs == 10 && command.adversarial.fullyConnectedWidth == 1024 && command.adversarial.ema == true)
        #expect(TrainCommand.replayedArguments(recorded: recorded, current: ["--out=runs/b", "--resume", "dcgan"], model: "dcgan")
            == ["dcgan", "--fc-width", "1024", "--ema", "--epochs", "5", "--out=runs/b"])
        #expect(TrainCommand.replayedArguments(
            recorded: recorded, current: ["dcgan", "--out", "runs/a", "--resume", "--learning-rate", "1e-4"], model: "dcgan") == nil)
        #expect(TrainCommand.replayedArguments(recorded: recorded, current: ["dcgan", "extra", "--resume"], model: "dcgan") == nil)
        // --sync-batch-norm and --no-sync-batch-norm continue a run, each replacing the other.
        let on = try #require(TrainCommand.replayedArguments(
            recorded: recorded, current: ["dcgan", "--resume", "--sync-batch-norm", "--epochs", "6"], model: "dcgan"))
        #expect(on == ["dcgan", "--fc-width", "1024", "--ema", "--out", "runs/a", "--sync-batch-norm", "--epochs", "6"])
        #expect(TrainCommand.replayedArguments(recorded: on, current: ["dcgan", "--resume", "--no-sync-batch-norm"], model: "dcgan")
            == ["dcgan", "--fc-width", "1024", "--ema", "--out", "runs/a", "--epochs", "6", "--no-sync-batch-norm"])
        let off = ["dcgan", "--fc-width", "1024", "--no-sync-batch-norm", "--epochs", "6"]
        #expect(TrainCommand.replayedArguments(recorded: off, current: ["dcgan", "--resume", "--sync-batch-norm"], model: "dcgan")
            == ["dcgan", "--fc-width", "1024", "--epochs", "6", "--sync-batch-norm"])
    }

    /// --minibatch-stddev reaches the discriminator's configuration; a group of one is refused.
    @Test func minibatchDeviationOption() throws {
        let command = try TrainCommand.parse(["gan", "--dataset", "toy:grid25", "--minibatch-stddev", "4", "--out", "r"])
        let configuration = try command.adversarial.configuration(kind: .gan, exampleShape: [2], classCount: 0)
        #expect(configuration.minibatchDeviationGroup == 4)
        let plain = try TrainCommand.parse(["gan", "--out", "r"]).adversarial
        #expect(try plain.configuration(kind: .gan, exampleShape: [2], classCount: 0).minibatchDeviationGroup == nil)
        let single = try TrainCommand.parse(["gan", "--minibatch-stddev", "1", "--out", "r"]).adversarial
        #expect(throws: (any Error).self) { try single.configuration(kind: .gan, exampleShape: [2], classCount: 0) }
    }

    /// `latent train gan` on 2-D data starts from the packed recipe that covers the ring toy's
    /// modes; `--no-ema`, `--pack 1` and `--lr-decay none` switch its parts off, and images keep
    /// the GAN paper's recipe.
    @Test func ganOnPointsStartsFromThePackedRecipe() throws {
        let points = try TrainCommand.parse(["gan", "--dataset", "toy:ring8", "--out", "r"]).adversarial
        let configuration = try points.configuration(kind: .gan, exampleShape: [2], classCount: 0)
        #expect(configuration.packing == 2 && configuration.averagesGenerator)
        #expect(configuration.generatorHidden == [256, 256, 256] && configuration.discriminatorHidden == [256, 256, 256])
        let options = points.options(kind: .gan, exampleShape: [2])
        #expect(options.optimizer == .adam && options.learningRate == 2e-3 && options.batchSize == 256)
        #expect(options.steps == 12_000 && options.learningRateDecay == .linear && options.averageDecay == 0.995)

        let plain = try TrainCommand.parse(
            ["gan", "--dataset", "toy:ring8", "--no-ema", "--pack", "1", "--lr-decay", "none", "--ema-decay", "0.99", "--out", "r"]
        ).adversarial
        let plainConfiguration = try plain.configuration(kind: .gan, exampleShape: [2], classCount: 0)
        #expect(plainConfiguration.packing == nil && !plainConfiguration.averagesGenerator)
        let plainOptions = plain.options(kind: .gan, exampleShape: [2])
        #expect(plainOptions.learningRateDecay == nil && plainOptions.averageDecay == 0.99)

        let images = try TrainCommand.parse(["gan", "--out", "r"]).adversarial
        let imageOptions = images.options(kind: .gan, exampleShape: [1, 28, 28])
        #expect(imageOptions.optimizer == .sgd && imageOptions.learningRate == 0.1 && imageOptions.batchSize == 100)
        #expect(try images.configuration(kind: .gan, exampleShape: [1, 28, 28], classCount: 0).packing == nil)
        let critic = try TrainCommand.parse(["wgan-gp", "--out", "r"]).adversarial
        #expect(try critic.configuration(kind: .wganGP, exampleShape: [2], classCount: 0).packing == nil)
        #expect(try TrainCommand.parse(["dcgan", "--ema", "--out", "r"]).adversarial.configuration(
            kind: .dcgan, exampleShape: [1, 28, 28], classCount: 0).averagesGenerator)
    }

    /// A resume with only --steps continues the run's own model from config.json, even when its
    /// recorded arguments would build another one under this version's defaults (as a 2-D gan
    /// run from before the packed recipe became the default).
    @Test func resumeKeepsTheRunsOwnModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-resume-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = ["gan", "--dataset", "toy:ring8", "--steps", "20", "--g-hidden", "8", "--d-hidden", "8",
                     "--pack", "1", "--no-ema", "--batch-size", "16", "--sample-every", "0", "--log-every", "5",
                     "--out", folder]
        try TrainCommand.parse(first).run(invocation: first)
        let run = try RunFolder(creating: folder, resuming: true)
        var saved = try run.readConfiguration()
        #expect(saved.adversarial?.generatorHidden == [8] && saved.adversarial?.packing == nil)
        // The recorded arguments without the hidden sizes, packing and average: today's defaults
        // would rebuild the packed 256-unit recipe from them.
        saved.arguments = ["gan", "--dataset", "toy:ring8", "--steps", "20", "--batch-size", "16", "--sample-every", "0", "--out", folder]
        try run.writeConfiguration(saved)

        let resumed = ["gan", "--resume", "--steps", "30", "--out", folder]
        try TrainCommand.parse(resumed).run(invocation: resumed)
        let after = try run.readConfiguration()
        #expect(after.adversarial == saved.adversarial)
        #expect(after.adversarialTraining?.steps == 30 && after.adversarialTraining?.batchSize == 16)
        #expect(after.adversarialTraining?.logEvery == 5, "the run's own --log-every, not the default")
        #expect(after.adversarialTraining?.optimizer == saved.adversarialTraining?.optimizer)
    }

    /// --temperature scales a model's noise; it must be positive and makes no sense for real data.
    @Test func evalTemperatureIsForModels() throws {
        #expect(try EvalCommand.parse(["--run", "r"]).temperature == 1)
        #expect(try EvalCommand.parse(["--run", "r", "--temperature", "0.7"]).temperature == 0.7)
        #expect(throws: (any Error).self) { try EvalCommand.parse(["--run", "r", "--temperature", "0"]) }
        #expect(throws: (any Error).self) { try EvalCommand.parse(["--real", "mnist", "--temperature", "0.5"]) }
    }

    /// --jacobian-keep is a fraction of a model's noise draws: in (0, 1], not for real data,
    /// and not with a traversal, which holds the noise fixed.
    @Test func jacobianKeepIsAFractionOfAModelsDraws() throws {
        #expect(try EvalCommand.parse(["--run", "r"]).jacobianKeep == 1)
        #expect(try EvalCommand.parse(["--run", "r", "--jacobian-keep", "0.7"]).jacobianKeep == 0.7)
        for bad in ["0", "0.001", "1.5", "-0.2"] {
            // The range check itself answers, not a parse failure of the value.
            let eval = #expect(throws: (any Error).self) { try EvalCommand.parse(["--run", "r", "--jacobian-keep=\(bad)"]) }
            #expect(EvalCommand.message(for: eval!).contains("--jacobian-keep must be in [0.01, 1]"))
            let sample = #expect(throws: (any Error).self) {
                try SampleCommand.parse(["--run", "r", "--out", "s.png", "--jacobian-keep=\(bad)"])
            }
            #expect(SampleCommand.message(for: sample!).contains("--jacobian-keep must be in [0.01, 1]"))
        }
        #expect(throws: (any Error).self) { try EvalCommand.parse(["--real", "mnist", "--jacobian-keep", "0.7"]) }
        #expect(throws: (any Error).self) {
            try SampleCommand.parse(["--run", "r", "--out", "s.png", "--vary", "c1", "--jacobian-keep", "0.7"])
        }
        #expect(try SampleCommand.parse(["--run", "r", "--out", "s.png", "--jacobian-keep", "0.7"]).jacobianKeep == 0.7)
    }

    /// End to end on a tiny 2-D run: `latent sample --jacobian-keep` writes the count asked
    /// for, and `latent eval --jacobian-keep` scores truncated samples.
    @Test func truncatedSamplesFromTheCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-jbt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let train = ["gan", "--dataset", "toy:ring8", "--steps", "5", "--g-hidden", "8", "--d-hidden", "8",
                     "--pack", "1", "--batch-size", "16", "--sample-every", "0", "--out", folder]
        try TrainCommand.parse(train).run(invocation: train)
        let path = folder + "/truncated.npy"
        try SampleCommand.parse(["--run", folder, "--count", "30", "--out", path, "--jacobian-keep", "0.5"]).run()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let header = String(decoding: written.prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (30, 2)"), "header \(header)")
        #expect(written.count >= 30 * 2 * 4)
        let modes = try EvalCommand.parse(["--run", folder, "--metrics", "modes", "--samples", "200", "--jacobian-keep", "0.5"])
            .evaluate()
        #expect(modes.json.contains("\"mode_histogram_png\":\"\(folder)/mode-histogram.png\""), "\(modes.json)")
        #expect(FileManager.default.fileExists(atPath: folder + "/mode-histogram.png"))

        // A VAE has no generator noise to truncate: one line on stderr and a failing exit.
        let vae = folder + "/vae"
        let trainVAE = ["vae", "--dataset", "toy:ring8", "--epochs", "1", "--training-limit", "64", "--hidden", "8",
                        "--latent", "2", "--out", vae]
        try TrainCommand.parse(trainVAE).run(invocation: trainVAE)
        #expect(throws: ExitCode.failure) {
            try SampleCommand.parse(["--run", vae, "--out", folder + "/v.npy", "--jacobian-keep", "0.5"]).run()
        }
        #expect(throws: ExitCode.failure) {
            try EvalCommand.parse(["--run", vae, "--metrics", "modes", "--jacobian-keep", "0.5"]).run()
        }
    }

    /// --architecture and --width serve both families: conv (or convolutional) builds a
    /// convolutional VAE or DCGAN layout; maxout is the GAN paper's and refused for a VAE.
    @Test func architectureIsSharedByBothFamilies() throws {
        let conv = try TrainCommand.parse(["vae", "--architecture", "conv", "--width", "16", "--out", "r"])
        #expect(conv.architecture?.variational() == .convolutional && conv.width == 16)
        #expect(try TrainCommand.parse(["vae", "--out", "r"]).architecture == nil)
        let gan = try TrainCommand.parse(["gan", "--architecture", "conv", "--out", "r"])
        let configuration = try gan.adversarial.configuration(
            kind: .gan, exampleShape: [1, 28, 28], classCount: 0,
            architecture: gan.architecture?.adversarial(), width: gan.width)
        #expect(configuration.architecture == .convolutional && configuration.width == 64)
        #expect(throws: (any Error).self) { try TrainCommand.parse(["vae", "--architecture", "maxout", "--out", "r"]) }
        #expect(throws: (any Error).self) { try TrainCommand.parse(["vae", "--architecture", "rnn", "--out", "r"]) }
        #expect(throws: (any Error).self) { try TrainCommand.parse(["dcgan", "--width", "0", "--out", "r"]) }
        let features = #expect(throws: (any Error).self) {
            try TrainCommand.parse(["classifier", "--classifier-features", "0", "--out", "r"])
        }
        #expect(TrainCommand.message(for: features!) == "--classifier-features must be positive.")
    }

    /// End to end: a convolutional VAE trains on an MNIST slice, records its architecture, and
    /// samples; on 2-D points it is refused with one line and a failing exit.
    @Test func convolutionalVAEFromTheCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-conv-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let train = ["vae", "--architecture", "conv", "--width", "4", "--hidden", "16", "--latent", "2",
                     "--epochs", "1", "--training-limit", "64", "--test-limit", "32", "--batch-size", "32",
                     "--out", folder]
        try TrainCommand.parse(train).run(invocation: train)
        let saved = try RunFolder(creating: folder, resuming: true).readConfiguration()
        #expect(saved.variational?.architecture == .convolutional && saved.variational?.convolutionWidth == 4)
        let path = folder + "/samples.npy"
        try SampleCommand.parse(["--run", folder, "--count", "3", "--out", path]).run()
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (3, 1, 28, 28)"), "header \(header)")

        let points = ["vae", "--architecture", "conv", "--dataset", "toy:ring8", "--likelihood", "gaussian",
                      "--out", folder + "/points"]
        #expect(throws: ExitCode.failure) { try TrainCommand.parse(points).run(invocation: points) }
    }

    /// Without --likelihood, a variational model on data outside [0, 1] gets the fixed-variance
    /// Gaussian decoder, recorded in config.json; an explicit Bernoulli there is refused.
    @Test func variationalModelsOnPointsDefaultToAGaussianDecoder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-moons-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try TrainCommand.parse(["vae", "--out", "r"]).variational.likelihood == nil)
        let train = ["vae", "--dataset", "toy:moons", "--epochs", "1", "--training-limit", "64", "--test-limit", "64",
                     "--hidden", "8", "--latent", "2", "--out", folder]
        try TrainCommand.parse(train).run(invocation: train)
        #expect(try RunFolder(creating: folder, resuming: true).readConfiguration().variational?.likelihood == .gaussian)
        let bernoulli = ["vae", "--dataset", "toy:moons", "--epochs", "1", "--training-limit", "64", "--hidden", "8",
                         "--likelihood", "bernoulli", "--out", folder + "/bernoulli"]
        #expect(throws: ExitCode.failure) { try TrainCommand.parse(bernoulli).run(invocation: bernoulli) }
    }

    /// `latent report` puts two runs side by side: the option that differs, a chart per logged
    /// number with one line per run, and each run's samples inline; a folder that is not a run,
    /// or any run's own report.html as the page, is refused with a failing exit.
    @Test func reportComparesRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for rate in ["1e-3", "2e-3"] {
            let train = ["gan", "--dataset", "toy:ring8", "--steps", "20", "--g-hidden", "8", "--d-hidden", "8",
                         "--pack", "1", "--batch-size", "16", "--log-every", "5", "--sample-every", "0",
                         "--learning-rate", rate, "--out", folder + "/lr" + rate]
            try TrainCommand.parse(train).run(invocation: train)
        }
        let page = folder + "/compare.html"
        try ReportCommand.parse([folder + "/lr1e-3", folder + "/lr2e-3", "--out", page]).run()
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<code>--learning-rate 1e-3</code>") && html.contains("<code>--learning-rate 2e-3</code>"))
        #expect(!html.contains("<td><code>--dataset"), "options shared by both runs are not repeated per run")
        #expect(html.contains("<p>Options of every run: <code>--dataset toy:ring8 --steps 20"))
        #expect(html.contains("<h2>d_loss</h2><svg") && html.contains("<h2>g_loss</h2><svg"))
        #expect(html.components(separatedBy: "<polyline").count - 1 >= 2 * 4, "a line per run in each chart")
        #expect(html.components(separatedBy: "data:image/png;base64,").count - 1 == 2)
        #expect(throws: ExitCode.failure) { try ReportCommand.parse([folder, "--out", page]).run() }
        let own = try String(contentsOfFile: folder + "/lr2e-3/report.html", encoding: .utf8)
        for run in ["/lr1e-3", "/lr2e-3"] {  // its own run's, or another run's
            #expect(throws: ExitCode.failure) {
                try ReportCommand.parse([folder + "/lr1e-3", "--out", folder + run + "/report.html"]).run()
            }
        }
        #expect(try String(contentsOfFile: folder + "/lr2e-3/report.html", encoding: .utf8) == own)
        #expect(throws: (any Error).self) { try ReportCommand.parse([folder, "--out", "x.png"]) }

        // An option whose name starts like a left-out one (--output-std, --out) is compared.
        for std in ["0.1", "0.5"] {
            let train = ["vae", "--dataset", "toy:ring8", "--epochs", "1", "--training-limit", "32", "--hidden", "8",
                         "--output-std", std, "--out", folder + "/std" + std]
            try TrainCommand.parse(train).run(invocation: train)
        }
        try ReportCommand.parse([folder + "/std0.1", folder + "/std0.5", "--out", page]).run()
        let stds = try String(contentsOfFile: page, encoding: .utf8)
        #expect(stds.contains("<code>--output-std 0.1</code>") && stds.contains("<code>--output-std 0.5</code>"))
    }

    /// Options that another option switches off are refused before anything is written: σ for a
    /// learned-variance decoder, channels for a model without convolutions, a decay for an
    /// average that is off, SGD's momentum for Adam.
    @Test func optionsThatWouldBeIgnoredAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-unused-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let vae = ["vae", "--dataset", "toy:ring8", "--epochs", "1", "--training-limit", "32", "--hidden", "8"]
        let gan = ["gan", "--dataset", "toy:ring8", "--steps", "2", "--g-hidden", "8", "--d-hidden", "8"]
        for (index, arguments) in [
            vae + ["--likelihood", "gaussian-learned", "--output-std", "0.2"], vae + ["--width", "16"],
            vae + ["--final-learning-rate", "1e-4"], vae + ["--no-baseline"],
            gan + ["--no-ema", "--ema-decay", "0.9"], gan + ["--optimizer", "adam", "--momentum", "0.5"],
            gan + ["--optimizer", "sgd", "--beta1", "0.5"], gan + ["--width", "32"],
        ].enumerated() {
            let command = arguments + ["--out", "\(folder)/\(index)"]
            #expect(throws: ExitCode.failure, "\(arguments)") { try TrainCommand.parse(command).run(invocation: command) }
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/\(index)/config.json"), "\(arguments)")
        }
        // The same options where they take effect train.
        for (index, arguments) in [
            vae + ["--likelihood", "gaussian", "--output-std", "0.2"],
            gan + ["--ema", "--ema-decay", "0.9", "--optimizer", "sgd", "--momentum", "0.5"],
        ].enumerated() {
            let command = arguments + ["--out", "\(folder)/fine\(index)"]
            try TrainCommand.parse(command).run(invocation: command)
        }
    }

    /// A command line that does not parse is one line naming the command, the problem and
    /// where the options are listed, as every other error.
    @Test func parseErrorsAreOneLine() {
        for (arguments, expected) in [
            (["train", "vae", "--epochs", "0", "--out", "x"],
             "latent train: error: --epochs must be positive; latent train --help lists the options"),
            (["sample"], "latent sample: error: Missing expected argument '--run <run>'; latent sample --help lists the options"),
            (["data", "info"], "latent data info: error: Missing expected argument '<dataset>'; latent data info --help lists the options"),
            (["eval", "--run", "r", "--metrics", ""],
             "latent eval: error: --metrics names no metric; leave it out for the run's defaults; latent eval --help lists the options"),
            (["sample", "--run", "r", "--label", "-1", "--out", "a.png"],
             "latent sample: error: --label -1: a value that starts with '-' reads as an option here; write --label=-1; "
                + "latent sample --help lists the options"),
            (["train", "vaee"], "latent train: error: The value 'vaee' is invalid for '<model>'. Please provide one of the "
                + "following: ae, vae, beta-vae, iwae, cvae, gan, dcgan, wgan, wgan-gp, sngan, cgan, infogan, classifier; "
                + "latent train --help lists the options"),
        ] {
            do {
                _ = try Latent.parseAsRoot(arguments)
                Issue.record("\(arguments) parsed")
            } catch {
                let line = Latent.oneLine(for: error, arguments: arguments)
                #expect(line == expected)
                #expect(!line.contains("\n"))
            }
        }
    }

    @Test func errorMessagesOfValidationNameTheOption() {
        do {
            _ = try TrainCommand.parse(["vae", "--out", "r", "--hidden", "20,x"])
            Issue.record("expected a parse error")
        } catch {
            #expect(TrainCommand.message(for: error).contains("--hidden"))
        }
    }
}
