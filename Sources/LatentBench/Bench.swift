import ArgumentParser
import LatentTensor

/// `latent-bench`: speed benchmarks of the engine and of whole training workloads (release build).
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-bench",
        abstract: "Measure Latent's speed; prints one JSON object per line.",
        subcommands: [EngineBenchmark.self, WorkloadsBenchmark.self, EvalBenchmark.self])

    /// Sets up the process as `latent` does (OpenMP's idle threads sleep rather than spin,
    /// unless OMP_WAIT_POLICY is set), then runs the benchmark.
    static func main() {
        OpenMPEnvironment.ensurePassiveWaiting()
        main(nil)
    }
}
