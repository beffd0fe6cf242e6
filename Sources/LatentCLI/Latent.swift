import ArgumentParser
import LatentModels
import LatentTensor

/// The `latent` command: train, sample and evaluate deep generative models.
@main
struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Deep generative models (VAEs and GANs) in Swift: train, sample, evaluate.",
        version: LatentVersion.string,
        subcommands: [
            TrainCommand.self, SampleCommand.self, EvalCommand.self, ReconstructCommand.self,
            InterpolateCommand.self, TraverseCommand.self, ReportCommand.self, ModelsCommand.self, DataCommand.self,
        ])

    /// Sets up the process (OpenMP's wait policy), then parses the command line and runs it.
    static func main() {
        OpenMPEnvironment.ensurePassiveWaiting()
        main(nil)
    }
}

/// The version the tool reports.
enum LatentVersion {
    static let string = "\(LatentInfo.version) (\(GEMM.library))"
}
