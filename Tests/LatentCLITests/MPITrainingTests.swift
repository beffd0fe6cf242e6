import Foundation
import LatentDistributed
import LatentModels
import TestSupport
import Testing

@testable import LatentCLI

/// `latent train` under `mpirun`: the built tool, two processes, OpenMPI loaded at run time.
///
/// The test command installs `openmpi-bin` (scripts/setup.sh); without `mpirun` these fail
/// and say so.
@Suite("latent train under mpirun", .serialized)
struct MPITrainingTests {
    /// What a finished process left.
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// The `latent` built beside the test bundle.
    static var tool: URL {
        Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("latent")
    }

    /// `mpirun` on the PATH, or nil.
    static var mpirun: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `executable` with `arguments` (one thread per process), killing it after `limit`
    /// seconds: a job that hangs fails instead of stopping the suite.
    static func run(_ executable: URL, _ arguments: [String], limit: Double = 180) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: killer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// `latent train` on two ranks.
    static func onTwoRanks(_ arguments: [String]) throws -> Outcome {
        let mpirun = try #require(mpirun, "mpirun is not on the PATH: apt-get install openmpi-bin (scripts/setup.sh does)")
        return try run(mpirun, ["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", "2",
                                "-x", "OMP_NUM_THREADS",
                                tool.path, "train"] + arguments)
    }

    /// The number after `"key":` in the last line (the `--json` object).
    static func jsonNumber(_ key: String, in output: String) -> Double? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { return nil }
        return object[key] as? Double
    }

    /// An autoencoder trained on two processes ends where one process ends (it draws no noise,
    /// so only the order of sums differs), rank 0 alone prints, and a resume continues it.
    @Test func autoencoderOnTwoProcessesMatchesOneAndResumes() throws {
        let single = TemporaryFolder.path("single"), parallel = TemporaryFolder.path("mpi")
        defer {
            try? FileManager.default.removeItem(atPath: single)
            try? FileManager.default.removeItem(atPath: parallel)
        }
        let model = ["ae", "--dataset", "toy:ring8", "--likelihood", "gaussian", "--hidden", "8", "--latent", "2",
                     "--training-limit", "256", "--test-limit", "64", "--batch-size", "32", "--json"]
        let one = try Self.run(Self.tool, ["train"] + model + ["--epochs", "2", "--out", single])
        #expect(one.status == 0, "\(one.output)")
        let two = try Self.onTwoRanks(model + ["--epochs", "2", "--out", parallel])
        #expect(two.status == 0, "\(two.output)")
        #expect(two.output.contains("data-parallel over 2 processes (mpirun): each takes 16 of every batch's 32 rows"))
        #expect(two.output.components(separatedBy: "test loss (negative ELBO)").count == 2, "printed more than once")
        let expected = try #require(Self.jsonNumber("neg_elbo", in: one.output))
        let got = try #require(Self.jsonNumber("neg_elbo", in: two.output), "\(two.output)")
        #expect(abs(got - expected) <= 1e-3 * abs(expected), "two processes \(got), one \(expected)")

        let resumed = try Self.onTwoRanks(["ae", "--resume", "--epochs", "3", "--json", "--out", parallel])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(Self.jsonNumber("epochs", in: resumed.output) == 3)
    }

    /// An error on rank 0 (a folder that already holds a run) stops both processes at once,
    /// with a non-zero status and the one-line reason; the run is left as it was.
    @Test func anErrorStopsEveryRank() throws {
        let folder = TemporaryFolder.path("mpi")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let model = ["gan", "--dataset", "toy:ring8", "--steps", "10", "--g-hidden", "8", "--d-hidden", "8",
                     "--batch-size", "16", "--pack", "1", "--no-ema", "--sample-every", "0", "--out", folder]
        let first = try Self.onTwoRanks(model)
        #expect(first.status == 0, "\(first.output)")
        let checkpoint = try Data(contentsOf: URL(fileURLWithPath: folder + "/checkpoint.safetensors"))
        let again = try Self.onTwoRanks(model)
        #expect(again.status != 0)
        #expect(again.output.contains("rank 0 of 2: latent train: error: \(folder) already holds a trained run"),
                "\(again.output)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/checkpoint.safetensors")) == checkpoint)
    }

    /// `--sync-batch-norm` on two processes: a DCGAN with batches of 2, one row per process, so
    /// that the BatchNorm after G's and D's fully connected layers has the two values it needs
    /// only when the processes add up their sums (without them each would stop on one value);
    /// the run completes and records the option.
    @Test func synchronizedBatchNormRunsOnTwoProcesses() throws {
        let folder = TemporaryFolder.path("mpi")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try Self.onTwoRanks(
            ["dcgan", "--training-limit", "64", "--steps", "3", "--width", "4", "--fc-width", "8", "--noise", "4",
             "--sync-batch-norm", "--batch-size", "2", "--no-ema", "--sample-every", "0", "--json", "--out", folder])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(Self.jsonNumber("steps", in: outcome.output) == 3, "\(outcome.output)")
        let configuration = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        #expect(configuration.contains("\"synchronizedBatchNorm\" : true"), "\(configuration)")
    }

    /// A command line that does not parse stops every process with its one line, said once.
    @Test func aCommandLineErrorIsSaidOnce() throws {
        let outcome = try Self.onTwoRanks(["vae", "--sync-batch-norm", "--out", TemporaryFolder.path("mpi")])
        #expect(outcome.status != 0)
        let line = "latent train: error: vae does not take --sync-batch-norm"
        #expect(outcome.output.components(separatedBy: line).count == 2, "\(outcome.output)")
    }

    /// A batch with fewer rows than processes is refused, naming both; a batch that splits
    /// passes (the check needs no MPI: ranks that are threads stand in for processes).
    @Test func batchesSmallerThanTheJobAreRefused() throws {
        let ranks = LocalProcessGroup.make(size: 4)
        #expect(throws: RunError.self) { try TrainCommand.checkShares(of: 3, over: ranks[1]) }
        do {
            try TrainCommand.checkShares(of: 3, over: ranks[1])
        } catch {
            #expect("\(error)".contains("--batch-size 3 is smaller than the 4 processes"), "\(error)")
        }
        try TrainCommand.checkShares(of: 10, over: ranks[1])
        try TrainCommand.checkShares(of: 1, over: SingleProcessGroup())
    }
}
