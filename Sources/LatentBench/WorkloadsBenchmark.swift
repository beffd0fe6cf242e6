import ArgumentParser
import Foundation
import LatentData
import LatentDistributed
import LatentNN
import LatentOptimizers
import LatentTensor

/// `latent-bench workloads`: three whole training workloads, timed as a user would see them.
///
/// W1 is PyTorch's `examples/vae`; W2 a DCGAN step on MNIST; W3 WGAN-GP on the 8-Gaussian ring;
/// W4 the convolutional VAE (`--architecture conv`), not run unless asked for.
/// The models are built here from LatentNN layers, exactly as the reference scripts in
/// `benchmarks/` build them for PyTorch and JAX, so the three can be compared line by line.
struct WorkloadsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workloads",
        abstract: "Seconds per epoch of an MLP VAE, DCGAN and WGAN-GP steps per second.")

    @Option(help: "Threads for oneDNN and the engine's worker pool (default: all cores).")
    var threads: Int?

    @Option(help: "Threads for the engine's worker pool alone: split loops and products (default: as --threads).")
    var elementwiseThreads: Int?

    @Option(help: "Comma-separated workloads to run: W1, W2, W3, W4 (the convolutional VAE).")
    var workloads: String = "W1,W2,W3"

    @Option(help: "W1 and W4 epochs; the time reported is the median of epochs 2...N.")
    var epochs: Int = 3

    @Option(help: "W1 and W4 batches per epoch (default: the whole training set), for quick runs.")
    var batches: Int?

    @Option(help: "W2 and W3 timed steps (after the warm-up steps).")
    var steps: Int = 200

    @Option(help: "W2 and W3 untimed warm-up steps.")
    var warmup: Int = 20

    @Flag(name: .customLong("sync-batch-norm"), help: "Under mpirun, W2's BatchNorm uses the whole batch's statistics, summed over the processes.")
    var syncBatchNorm = false

    @Option(help: "The folder holding MNIST (default: the usual search; see `latent data`).")
    var dataDir: String?

    func validate() throws {
        for name in workloads.split(separator: ",") where !["W1", "W2", "W3", "W4"].contains(name) {
            throw ValidationError("--workloads: unknown workload '\(name)'; use W1, W2, W3 or W4.")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        guard epochs >= 2 else { throw ValidationError("--epochs must be at least 2.") }
        guard steps >= 1, warmup >= 0 else {
            throw ValidationError("--steps must be positive and --warmup not negative.")
        }
    }

    func run() throws {
        // Under mpirun, W1, W2 and W4 train data-parallel (each rank its share of every batch,
        // the gradients summed), and rank 0 alone reports.
        let world = try MPIProcessGroup.world()
        defer { MPIProcessGroup.finish() }
        let chosen = Set(workloads.split(separator: ",").map(String.init))
        if world.size > 1, !chosen.isSubset(of: ["W1", "W2", "W4"]) {
            throw ValidationError("under mpirun only W1, W2 and W4 train data-parallel; pass --workloads W1,W2,W4")
        }
        if let threads { ThreadSettings.apply(threads) }
        if let elementwiseThreads { Parallel.setThreadCount(elementwiseThreads) }
        Report.line([
            ("name", .text("environment")), ("framework", .text("latent")),
            ("gemm_library", .text(GEMM.library)),
            ("threads", .integer(ThreadSettings.openMPThreads ?? Parallel.threadCount)),
            ("elementwise_threads", .integer(Parallel.threadCount)),
            ("omp_wait_policy", .text(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "default")),
            ("target_cpu", .text(BuildConfiguration.targetCPU)),
            ("vector_extensions", .text(BuildConfiguration.vectorExtensions)),
            ("vector_width", .text(BuildConfiguration.preferredVectorWidth.map(String.init) ?? "default")),
            ("processes", .integer(world.size)),
        ])
        let needsMNIST = chosen.contains("W1") || chosen.contains("W2") || chosen.contains("W4")
        let training = needsMNIST ? try MNIST.load(.train, dataDirectory: dataDir) : nil
        if chosen.contains("W1"), let training {
            let test = try MNIST.load(.test, dataDirectory: dataDir)
            StoragePool.drain()
            PeakMemory.reset()
            Report.line(VAEWorkload(training: training, test: test).run(epochs: epochs, batches: batches, world: world))
        }
        if chosen.contains("W2"), let training {
            StoragePool.drain()
            PeakMemory.reset()
            Report.line(DCGANWorkload(training: training).run(
                steps: steps, warmup: warmup, world: world, synchronizedBatchNorm: syncBatchNorm))
        }
        if chosen.contains("W3") {
            StoragePool.drain()
            PeakMemory.reset()
            Report.line(WGANGPWorkload().run(steps: steps, warmup: warmup))
        }
        if chosen.contains("W4"), let training {
            let test = try MNIST.load(.test, dataDirectory: dataDir)
            StoragePool.drain()
            PeakMemory.reset()
            Report.line(ConvolutionalVAEWorkload(training: training, test: test).run(
                epochs: epochs, batches: batches, world: world))
        }
    }
}

/// The process's peak resident set size, reset between workloads.
enum PeakMemory {
    /// Resets the kernel's high-water mark (`VmHWM`) to the current resident size.
    static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// `VmHWM` in MiB, or `nil` where `/proc` does not report it.
    static var megabytes: Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes / 1024
    }
}

/// Seconds since an arbitrary start, monotonic.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

// MARK: - W1

/// PyTorch's `examples/vae`: 784-400-(20, 20) encoder, 20-400-784 decoder with a sigmoid
/// output, ReLU, loss = BCE summed over pixels and batch + analytic KL, Adam 1e-3, batch 128,
/// MNIST intensities in [0, 1]. The BCE is computed from logits (the same value, without
/// forming the sigmoid).
struct VAEWorkload {
    let training: Dataset
    let test: Dataset
    let fc1: Linear, fc21: Linear, fc22: Linear, fc3: Linear, fc4: Linear

    init(training: Dataset, test: Dataset) {
        self.training = training
        self.test = test
        var generator = SplitMix64(seed: 1)
        fc1 = Linear(inputFeatures: 784, outputFeatures: 400, using: &generator)
        fc21 = Linear(inputFeatures: 400, outputFeatures: 20, using: &generator)
        fc22 = Linear(inputFeatures: 400, outputFeatures: 20, using: &generator)
        fc3 = Linear(inputFeatures: 20, outputFeatures: 400, using: &generator)
        fc4 = Linear(inputFeatures: 400, outputFeatures: 784, using: &generator)
    }

    var parameters: [Parameter] { [fc1, fc21, fc22, fc3, fc4].flatMap(\.parameters) }

    /// The summed negative ELBO of a batch `[batch, 784]` (one reparameterised draw).
    func loss(_ x: Tensor, using generator: inout SplitMix64) -> Tensor {
        let hidden = fc1(x, activation: .relu)
        let mean = fc21(hidden), logVariance = fc22(hidden)
        let noise = Tensor(randomNormal: mean.shape, using: &generator)
        let z = mean + (0.5 * logVariance).exp() * noise
        let logits = fc4(fc3(z, activation: .relu))
        let reconstruction = binaryCrossEntropy(logits: logits, labels: x, reduction: .sum)
        let kl = -0.5 * (1 + logVariance - mean.squared() - logVariance.exp()).sum()
        return reconstruction + kl
    }

    /// Trains and reports; on several ranks each takes its share of every batch and the summed
    /// losses' gradients are added up (the whole batch's sum).
    func run(epochs: Int, batches limit: Int?, world: any ProcessGroup) -> [(String, Report.Value)] {
        let optimizer = Adam(learningRate: 1e-3)
        let loader = DataLoader(
            dataset: training, batchSize: 128, shuffles: true, dropsLast: false, seed: 1)
        var generator = SplitMix64(seed: 2).forRank(of: world)
        world.synchronize(Workload(parameters: parameters))
        let (times, trainLoss) = timedEpochs(loader: loader, epochs: epochs, batches: limit) { examples in
            let x = examples.sliced(world.share(of: examples.shape[0]), alongAxis: 0).reshaped(to: [-1, 784])
            let loss = loss(x, using: &generator)
            let gradients = loss.gradients(withRespectTo: parameters.map(\.value))
            optimizer.update(parameters, with: world.combinedGradients(gradients, weight: 1))
            return world.sum([Double(loss.scalar)])[0]
        }
        let testLoss = withoutGradients { () -> Double in
            var total = 0.0
            for start in stride(from: 0, to: test.count, by: 128) {
                let x = test.examples.sliced(start..<min(start + 128, test.count), alongAxis: 0)
                total += Double(loss(x.reshaped(to: [-1, 784]), using: &generator).scalar)
            }
            return total / Double(test.count)
        }
        return epochReport(
            name: "W1", workload: "mlp-vae", epochTimes: times,
            batches: min(limit ?? loader.batchCount, loader.batchCount),
            trainLoss: trainLoss, testLoss: testLoss)
    }
}

/// Trains `epochs` epochs of `loader`'s batches (the first `batches` of each, if given) with
/// `step`, which takes a batch's examples and returns its summed loss; returns each epoch's
/// seconds and the last epoch's loss per example.
func timedEpochs(
    loader: DataLoader, epochs: Int, batches limit: Int?, step: (Tensor) -> Double
) -> (times: [Double], trainLoss: Double) {
    var times: [Double] = []
    var total = 0.0, seen = 0
    for epoch in 0..<epochs {
        let start = now()
        total = 0
        seen = 0
        for batch in loader.batches(epoch: epoch).prefix(limit ?? Int.max) {
            total += step(batch.examples)
            seen += batch.examples.shape[0]
        }
        times.append(now() - start)
    }
    return (times, total / Double(max(seen, 1)))
}

/// The JSON line of a workload timed in epochs: the median of epochs 2...N, the first epoch
/// apart (it warms the caches and the storage pool), the losses and the peak memory.
func epochReport(
    name: String, workload: String, epochTimes times: [Double], batches: Int, trainLoss: Double, testLoss: Double
) -> [(String, Report.Value)] {
    let timed = times.dropFirst().sorted()
    return [
        ("name", .text(name)), ("workload", .text(workload)),
        ("sec_per_epoch", .number(timed[timed.count / 2])),
        ("first_epoch_sec", .number(times[0])), ("epochs", .integer(times.count)),
        ("batches", .integer(batches)),
        ("train_loss", .number(trainLoss)), ("test_loss", .number(testLoss)),
        ("peak_rss_mb", PeakMemory.megabytes.map { .number($0) } ?? .text("unknown")),
    ]
}

/// Parameters as a module, for ``ProcessGroup/synchronize(_:)``.
final class Workload: Module {
    let ownParameters: [(name: String, parameter: Parameter)]
    init(parameters: [Parameter]) { ownParameters = parameters.enumerated().map { ("p\($0.offset)", $0.element) } }
}
