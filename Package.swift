// swift-tools-version: 6.2
import PackageDescription

// Release builds of the numeric targets drop exclusivity checks in their inner loops.
let baseFastMath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

// LATENT_TARGET_CPU=<cpu> compiles Latent's Swift code for that CPU instead of baseline x86-64
// (SSE2), so the element-wise loops use AVX2 or AVX-512: `haswell` or `x86-64-v3` (AVX2 + FMA),
// `skylake-avx512` or `x86-64-v4` (AVX-512), `native`, or any `swiftc -target-cpu` value. The
// binary then runs only on CPUs with those instructions. Unset, empty, `none`, `generic` or
// `x86-64`: the portable build, with no extra flags (what a package depending on Latent gets
// unless it sets the variable). The scripts in scripts/ choose a value from /proc/cpuinfo.
let targetCPU: String? = {
    guard let value = Context.environment["LATENT_TARGET_CPU"],
          !["", "none", "generic", "x86-64"].contains(value) else { return nil }
    // swiftc's Clang importer does not know the x86-64 level names; these CPUs have those levels.
    return ["x86-64-v3": "haswell", "x86-64-v4": "skylake-avx512"][value] ?? value
}()
// LATENT_VECTOR_WIDTH=512 (with an AVX-512 CPU) lets loops use 512-bit vectors, which LLVM
// avoids by default for these CPUs. The CPU's name reaches Sources/CBuildInfo, so the binaries
// can say what they were built for.
let vectorWidth = Context.environment["LATENT_VECTOR_WIDTH"].flatMap(Int.init)
let targetCPUFlags: [SwiftSetting] = targetCPU.map { cpu in
    let width = vectorWidth.map {
        ["-Xcc", "-mprefer-vector-width=\($0)", "-Xcc", "-DLATENT_VECTOR_WIDTH=\($0)"]
    }
    return [.unsafeFlags(["-target-cpu", cpu, "-Xcc", "-DLATENT_TARGET_CPU=\"\(cpu)\""] + (width ?? []))]
} ?? []
let fastMath = baseFastMath + targetCPUFlags

let package = Package(
    name: "Latent",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LatentTensor", targets: ["LatentTensor"]),
        .library(name: "LatentNN", targets: ["LatentNN"]),
        .library(name: "LatentOptimizers", targets: ["LatentOptimizers"]),
        .library(name: "LatentData", targets: ["LatentData"]),
        .library(name: "LatentDistributed", targets: ["LatentDistributed"]),
        .library(name: "LatentModels", targets: ["LatentModels"]),
        .library(name: "LatentEval", targets: ["LatentEval"]),
        .executable(name: "latent", targets: ["LatentCLI"]),
        .executable(name: "latent-bench", targets: ["LatentBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CBuildInfo", path: "Sources/CBuildInfo"),
        .target(name: "LatentTensor", dependencies: ["CDNNL", "CBuildInfo"], swiftSettings: fastMath),
        .target(name: "LatentNN", dependencies: ["LatentTensor"], swiftSettings: fastMath),
        .testTarget(
            name: "LatentNNTests", dependencies: ["LatentNN", "TestSupport"],
            resources: [.copy("Fixtures")]),
        // -fno-math-errno lets the square roots of Adam and RMSProp vectorise.
        .target(
            name: "LatentOptimizers", dependencies: ["LatentNN"],
            swiftSettings: fastMath + [.unsafeFlags(["-Xcc", "-fno-math-errno"])]),
        .testTarget(
            name: "LatentOptimizersTests", dependencies: ["LatentOptimizers", "TestSupport"]),
        // Optimised even in debug builds: SHA-256 and inflate-to-Float over the 11 MB of MNIST
        // run at a few MB/s unoptimised.
        .target(
            name: "LatentData", dependencies: ["LatentTensor", "CZlib"],
            swiftSettings: [.unsafeFlags(["-O"])] + targetCPUFlags),
        .testTarget(name: "LatentDataTests", dependencies: ["LatentData", "LatentTensor", "TestSupport"]),
        // Data-parallel training: OpenMPI is loaded at run time, only by processes mpirun starts.
        .target(name: "LatentDistributed", dependencies: ["LatentTensor", "LatentNN"], swiftSettings: fastMath),
        .testTarget(
            name: "LatentDistributedTests",
            dependencies: ["LatentDistributed", "LatentNN", "LatentOptimizers", "LatentData", "TestSupport"]),
        .target(
            name: "LatentModels",
            dependencies: ["LatentTensor", "LatentNN", "LatentOptimizers", "LatentData", "LatentDistributed"],
            swiftSettings: fastMath),
        .testTarget(
            name: "LatentModelsTests", dependencies: ["LatentModels", "LatentData", "LatentDistributed", "TestSupport"]),
        .target(
            name: "LatentEval", dependencies: ["LatentTensor", "LatentNN", "LatentData", "LatentModels"],
            swiftSettings: fastMath),
        .testTarget(
            name: "LatentEvalTests",
            dependencies: ["LatentEval", "LatentModels", "LatentData", "LatentNN", "LatentOptimizers", "TestSupport"]),
        .executableTarget(
            name: "LatentCLI",
            dependencies: [
                "LatentTensor", "LatentData", "LatentDistributed", "LatentModels", "LatentEval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: targetCPUFlags),
        .executableTarget(
            name: "LatentBench",
            dependencies: [
                "LatentTensor", "LatentNN", "LatentOptimizers", "LatentData", "CDNNL", "LatentDistributed",
                "LatentModels", "LatentEval", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath),
        .testTarget(
            name: "LatentCLITests",
            dependencies: ["LatentCLI", "LatentDistributed", "LatentModels", "LatentData", "LatentEval", "TestSupport"]),
        .target(name: "TestSupport", dependencies: ["LatentTensor"], path: "Sources/TestSupport"),
        .testTarget(name: "LatentTensorTests", dependencies: ["LatentTensor", "TestSupport"]),
    ]
)
