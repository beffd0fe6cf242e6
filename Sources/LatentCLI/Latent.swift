import ArgumentParser
import Foundation
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
            TrainCommand.self, SampleCommand.self, EvalCommand.self, ScoreCommand.self, ReconstructCommand.self,
            InterpolateCommand.self, TraverseCommand.self, ReportCommand.self, ModelsCommand.self, DataCommand.self,
        ])

    /// Sets up the process (OpenMP's wait policy), then parses the command line and runs it.
    ///
    /// A command line that does not parse or validate gets one line on standard error, as every
    /// other error does (`latent train: error: --epochs must be positive; latent train --help
    /// lists the options`; under `mpirun` from rank 0 alone), and ArgumentParser's exit code;
    /// `--help` and `--version` print as usual.
    static func main() {
        OpenMPEnvironment.ensurePassiveWaiting()
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            guard exitCode(for: error) != .success else { exit(withError: error) }
            // Under mpirun every process meets the same command line: rank 0 alone says so.
            if ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"].map({ $0 == "0" }) ?? true {
                FileHandle.standardError.write(Data((oneLine(for: error, arguments: arguments) + "\n").utf8))
            }
            Foundation.exit(exitCode(for: error).rawValue)
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// The error's message on one line, naming the command given and where its options are listed.
    static func oneLine(for error: any Error, arguments: [String]) -> String {
        let names = configuration.subcommands.map { $0._commandName }
        let command = (["latent"] + arguments.prefix { names.contains($0) || $0 == "info" || $0 == "grid"
            || $0 == "sample" }.prefix(2)).joined(separator: " ")
        let lines = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var message = lines.first ?? "\(error)"
        // A list after the first line ("one of the following:" and "- vae" lines) joins it.
        let items = lines.dropFirst().filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
        if message.hasSuffix(":"), !items.isEmpty { message += " " + items.joined(separator: ", ") }
        // "--count -3" reads -3 as an option: say how to pass a negative number.
        if message.hasPrefix("Missing value for '--"),
           let option = message.dropFirst("Missing value for '".count).split(separator: " ").first.map(String.init),
           let index = arguments.firstIndex(of: option), index + 1 < arguments.count,
           let value = Double(arguments[index + 1]), value < 0
        {
            message = "\(option) \(arguments[index + 1]): a value that starts with '-' reads as an option here; "
                + "write \(option)=\(arguments[index + 1])"
        }
        let trimmed = message.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        return "\(command): error: \(trimmed); \(command) --help lists the options"
    }
}

/// The version the tool reports.
enum LatentVersion {
    static let string = "\(LatentInfo.version) (\(GEMM.library))"
}
