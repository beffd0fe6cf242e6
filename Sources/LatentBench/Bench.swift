import ArgumentParser
import LatentTensor

/// `latent-bench`: speed benchmarks of the engine and of whole training workloads (release build).
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent-bench",
        abstract: "Measure Latent's speed; prints one JSON object per line.",
        subcommands: [EngineBenchmark.self, WorkloadsBenchmark.self, EvalBenchmark.self])
}
