import ArgumentParser
import CDNNL
import Foundation
import LatentTensor

/// `latent-bench engine`: GEMM, convolution and element-wise throughput.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "GEMM, convolution and element-wise throughput.")

    @Option(help: "Threads for oneDNN and the engine's worker pool (default: all cores).")
    var threads: Int?

    @Option(help: "Timed repetitions per measurement; the median is reported.")
    var repetitions: Int = 15

    @Option(help: "Comma-separated sections to run: gemm, conv2d, elementwise.")
    var sections: String = "gemm,conv2d,elementwise"

    func validate() throws {
        let known: Set = ["gemm", "conv2d", "elementwise"]
        for section in sections.split(separator: ",") where !known.contains(String(section)) {
            throw ValidationError("--sections: unknown section '\(section)'; use gemm, conv2d or elementwise.")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1.") }
    }

    func run() throws {
        if let threads { ThreadSettings.apply(threads) }
        Report.line([
            ("name", .text("environment")), ("gemm_library", .text(GEMM.library)),
            ("threads", .integer(ThreadSettings.openMPThreads ?? Parallel.threadCount)),
            ("elementwise_threads", .integer(Parallel.threadCount)),
            ("convolution", .text(ConvolutionImplementation.inUse.rawValue)),
            ("target_cpu", .text(BuildConfiguration.targetCPU)),
            ("vector_extensions", .text(BuildConfiguration.vectorExtensions)),
            ("vector_width", .text(BuildConfiguration.preferredVectorWidth.map(String.init) ?? "default")),
        ])
        let timer = Timer(repetitions: repetitions)
        let chosen = Set(sections.split(separator: ",").map(String.init))
        if chosen.contains("gemm") {
            for (m, k, n) in [(128, 784, 400), (512, 512, 512)] { gemm(m: m, k: k, n: n, timer: timer) }
        }
        if chosen.contains("conv2d") {
            for layer in ConvolutionLayer.measured {
                for implementation in ConvolutionImplementation.allCases {
                    ConvolutionImplementation.with(implementation) { convolution(layer, timer: timer) }
                }
            }
        }
        if chosen.contains("elementwise") { elementwise(count: 1 << 22, timer: timer) }
    }

    // MARK: - GEMM

    /// The engine's `matmul` against a raw `dnnl_sgemm` on the same buffers.
    private func gemm(m: Int, k: Int, n: Int, timer: Timer) {
        var generator = SplitMix64(seed: 1)
        let a = Tensor(randomNormal: [m, k], using: &generator)
        let b = Tensor(randomNormal: [k, n], using: &generator)
        var c = Tensor(zeros: [m, n])
        // Alternating the two calls inside one timing loop gives both the same machine load.
        let (engine, raw) = a.withUnsafeScalars { left in
            b.withUnsafeScalars { right in
                c.withUnsafeMutableScalars { product in
                    timer.medians(
                        { _ = a.matmul(b) },
                        {
                            _ = dnnl_sgemm(
                                78, 78, Int64(m), Int64(n), Int64(k), 1, left.baseAddress,
                                Int64(k), right.baseAddress, Int64(n), 0, product.baseAddress,
                                Int64(n))
                        })
                }
            }
        }
        let operations = 2 * Double(m * n * k)
        Report.line([
            ("name", .text("gemm")), ("m", .integer(m)), ("k", .integer(k)), ("n", .integer(n)),
            ("engine_gflops", .number(operations / engine / 1e9)),
            ("blas_gflops", .number(operations / raw / 1e9)), ("ratio", .number(raw / engine)),
        ])
    }

    // MARK: - Convolution

    /// Forward and backward milliseconds of one layer.
    private func convolution(_ layer: ConvolutionLayer, timer: Timer) {
        var generator = SplitMix64(seed: 2)
        let input = Tensor(randomNormal: layer.inputShape, using: &generator)
        let filter = Tensor(randomNormal: layer.filterShape, standardDeviation: 0.05, using: &generator)
        let output = layer.forward(input, filter)
        let upstream = Tensor(randomNormal: output.shape, using: &generator)
        let forward = timer.median { _ = layer.forward(input, filter) }
        let data = timer.median { _ = layer.backwardData(upstream, filter) }
        let weights = timer.median { _ = layer.backwardFilter(input, upstream) }
        let operations = 2 * Double(output.scalarCount) * Double(layer.multiplyAddsPerOutput)
        let names = ConvolutionImplementation.primitiveNames(
            input: layer.isTransposed ? output.shape : layer.inputShape,
            filter: layer.filterShape, stride: 2, padding: 1)
        let implementation = ConvolutionImplementation.inUse != .primitives
            ? ConvolutionImplementation.inUse.rawValue : "oneDNN \(names.forward ?? "-")/\(names.backwardData ?? "-")/\(names.backwardFilter ?? "-")"
        Report.line([
            ("name", .text("conv2d")), ("layer", .text(layer.name)),
            ("implementation", .text(implementation)),
            ("input", .text("\(layer.inputShape)")), ("filter", .text("\(layer.filterShape)")),
            ("output", .text("\(output.shape)")), ("forward_ms", .number(forward * 1e3)),
            ("backward_data_ms", .number(data * 1e3)),
            ("backward_filter_ms", .number(weights * 1e3)),
            ("backward_ms", .number((data + weights) * 1e3)),
            ("forward_gflops", .number(operations / forward / 1e9)),
        ])
    }

    // MARK: - Element-wise

    /// GB/s of `a * b + c` (as two ops and as the one-pass `addingProduct`), sigmoid and a copy
    /// on `count` floats, counting the bytes each must at least move (inputs read once, output
    /// written once).
    private func elementwise(count: Int, timer: Timer) {
        var generator = SplitMix64(seed: 3)
        let a = Tensor(randomNormal: [count], using: &generator)
        let b = Tensor(randomNormal: [count], using: &generator)
        let c = Tensor(randomNormal: [count], using: &generator)
        let bytes = Double(count * MemoryLayout<Float>.stride)
        let copy = timer.median { _ = a.storage.copy() }
        let separate = timer.median { _ = a * b + c }
        let fused = timer.median { _ = c.addingProduct(a, b) }
        let sigmoid = timer.median { _ = a.sigmoid() }
        let copyRate = 2 * bytes / copy / 1e9
        // "a*b+c": the two ops (two passes); "c.addingProduct(a,b)": the one-pass op.
        for (operation, seconds, moved) in [
            ("copy", copy, 2 * bytes), ("a*b+c", separate, 4 * bytes),
            ("c.addingProduct(a,b)", fused, 4 * bytes), ("sigmoid", sigmoid, 2 * bytes),
        ] {
            let rate = moved / seconds / 1e9
            Report.line([
                ("name", .text("elementwise")), ("operation", .text(operation)),
                ("count", .integer(count)), ("ms", .number(seconds * 1e3)),
                ("gb_per_s", .number(rate)), ("fraction_of_copy", .number(rate / copyRate)),
            ])
        }
    }
}

/// One convolution layer (4×4 kernels, stride 2, padding 1): the four of the DCGAN on 28×28
/// MNIST at batch 64 (the discriminator's strided convolutions, the generator's transposed
/// ones), then first and last layers with few channels on one side, where
/// ``ConvolutionImplementation/automatic`` chooses pass by pass: the convolutional VAE's first
/// layer (batch 128), an RGB image's first and last layers, and one with 8 input channels.
struct ConvolutionLayer {
    let name: String
    let inputShape: [Int]
    let filterShape: [Int]
    let isTransposed: Bool

    static let measured = [
        ConvolutionLayer(
            name: "discriminator.conv1", inputShape: [64, 1, 28, 28], filterShape: [64, 1, 4, 4],
            isTransposed: false),
        ConvolutionLayer(
            name: "discriminator.conv2", inputShape: [64, 64, 14, 14],
            filterShape: [128, 64, 4, 4], isTransposed: false),
        ConvolutionLayer(
            name: "generator.deconv1", inputShape: [64, 128, 7, 7], filterShape: [128, 64, 4, 4],
            isTransposed: true),
        ConvolutionLayer(
            name: "generator.deconv2", inputShape: [64, 64, 14, 14], filterShape: [64, 1, 4, 4],
            isTransposed: true),
        ConvolutionLayer(
            name: "conv-vae.conv1", inputShape: [128, 1, 28, 28], filterShape: [32, 1, 4, 4],
            isTransposed: false),
        ConvolutionLayer(
            name: "rgb.conv1", inputShape: [64, 3, 32, 32], filterShape: [32, 3, 4, 4], isTransposed: false),
        ConvolutionLayer(
            name: "rgb.deconv2", inputShape: [64, 32, 16, 16], filterShape: [32, 3, 4, 4], isTransposed: true),
        ConvolutionLayer(
            name: "channels8.conv", inputShape: [64, 8, 28, 28], filterShape: [32, 8, 4, 4], isTransposed: false),
    ]

    /// Multiply-adds per output scalar.
    var multiplyAddsPerOutput: Int {
        let taps = filterShape[2] * filterShape[3]
        // A transposed convolution with stride 2 touches each output with a quarter of the taps.
        return isTransposed ? filterShape[0] * taps / 4 : filterShape[1] * taps
    }

    func forward(_ input: Tensor, _ filter: Tensor) -> Tensor {
        isTransposed
            ? input.convTranspose2d(filter: filter, stride: 2, padding: 1)
            : input.conv2d(filter: filter, stride: 2, padding: 1)
    }

    /// The gradient with respect to the input, given the output's.
    func backwardData(_ upstream: Tensor, _ filter: Tensor) -> Tensor {
        isTransposed
            ? upstream.conv2d(filter: filter, stride: 2, padding: 1)
            : upstream.convTranspose2d(filter: filter, stride: 2, padding: 1)
    }

    /// The gradient with respect to the filter, given the input and the output's gradient.
    func backwardFilter(_ input: Tensor, _ upstream: Tensor) -> Tensor {
        isTransposed
            ? Tensor.conv2dFilterGradient(
                input: upstream, upstream: input, kernelHeight: 4, kernelWidth: 4, stride: 2,
                padding: 1)
            : Tensor.conv2dFilterGradient(
                input: input, upstream: upstream, kernelHeight: 4, kernelWidth: 4, stride: 2,
                padding: 1)
    }
}

/// Medians of wall-clock times after a warm-up.
struct Timer {
    let repetitions: Int

    /// The median seconds of `body` over the repetitions, after untimed runs: two, and more
    /// until 200 ms have passed (the first convolution measured in a process ran 1.7× slower
    /// after two untimed passes or after 20 ms of them, as fast as later ones after 200 ms).
    func median(_ body: () -> Void) -> Double {
        let warm = DispatchTime.now().uptimeNanoseconds + 200_000_000
        body()
        repeat { body() } while DispatchTime.now().uptimeNanoseconds < warm
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// The median seconds of `first` and of `second`, timed alternately after a warm-up.
    func medians(_ first: () -> Void, _ second: () -> Void) -> (Double, Double) {
        for _ in 0..<2 {
            first()
            second()
        }
        var firstTimes: [Double] = [], secondTimes: [Double] = []
        for _ in 0..<repetitions {
            var start = DispatchTime.now().uptimeNanoseconds
            first()
            firstTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            start = DispatchTime.now().uptimeNanoseconds
            second()
            secondTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        firstTimes.sort()
        secondTimes.sort()
        return (firstTimes[repetitions / 2], secondTimes[repetitions / 2])
    }
}

/// Thread counts for oneDNN's OpenMP runtime and the engine's own kernels.
enum ThreadSettings {
    /// Sets both. OpenMP reads `OMP_NUM_THREADS` when it loads, before `main`, so the variable
    /// is set for child processes and the runtime is told directly as well.
    static func apply(_ threads: Int) {
        Parallel.setThreadCount(threads)
        setenv("OMP_NUM_THREADS", "\(threads)", 1)
        OpenMPThreads.setForCurrentThread(threads)
    }

    /// The OpenMP runtime's thread count, when it is loaded.
    static var openMPThreads: Int? { OpenMPThreads.forCurrentThread }
}

/// One JSON object per line, keys in the order given.
enum Report {
    /// Whether this process is a rank other than 0 of a job mpirun started: rank 0 alone reports.
    static let isSilent = (ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"].flatMap { Int($0) } ?? 0) != 0

    enum Value {
        case text(String)
        case integer(Int)
        case number(Double)

        var json: String {
            switch self {
            case .text(let string):
                let escaped = string.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"")
                return "\"\(escaped)\""
            case .integer(let value): return "\(value)"
            case .number(let value):
                return value.isFinite ? String(format: "%.4g", value) : "null"
            }
        }
    }

    static func line(_ fields: [(String, Value)]) {
        guard !isSilent else { return }
        print("{" + fields.map { "\"\($0.0)\":\($0.1.json)" }.joined(separator: ",") + "}")
        fflush(nil)
    }
}
