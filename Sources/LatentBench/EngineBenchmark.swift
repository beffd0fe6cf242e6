import ArgumentParser
import LatentTensor

/// `latent-bench engine`: GEMM, convolution and element-wise throughput.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "GEMM, convolution and element-wise throughput.")

    func run() throws {}
}
