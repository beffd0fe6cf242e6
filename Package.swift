// swift-tools-version: 6.0
import PackageDescription

// Release builds of the numeric targets drop exclusivity checks in their inner loops.
let fastMath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "Latent",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LatentTensor", targets: ["LatentTensor"]),
        .library(name: "LatentNN", targets: ["LatentNN"]),
        .library(name: "LatentOptimizers", targets: ["LatentOptimizers"]),
        .library(name: "LatentData", targets: ["LatentData"]),
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
        .target(name: "LatentTensor", dependencies: ["CDNNL"], swiftSettings: fastMath),
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
            swiftSettings: [.unsafeFlags(["-O"])]),
        .testTarget(name: "LatentDataTests", dependencies: ["LatentData", "LatentTensor"]),
        .target(
            name: "LatentModels",
            dependencies: ["LatentTensor", "LatentNN", "LatentOptimizers", "LatentData"],
            swiftSettings: fastMath),
        .testTarget(name: "LatentModelsTests", dependencies: ["LatentModels", "LatentData", "TestSupport"]),
        .target(
            name: "LatentEval", dependencies: ["LatentTensor", "LatentNN", "LatentData", "LatentModels"],
            swiftSettings: fastMath),
        .testTarget(name: "LatentEvalTests", dependencies: ["LatentEval", "TestSupport"]),
        .executableTarget(
            name: "LatentCLI",
            dependencies: [
                "LatentTensor", "LatentData", "LatentModels", "LatentEval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "LatentBench",
            dependencies: [
                "LatentTensor", "LatentNN", "LatentOptimizers", "LatentData", "CDNNL", "LatentEval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath),
        .testTarget(name: "LatentCLITests", dependencies: ["LatentCLI", "LatentModels"]),
        .target(name: "TestSupport", dependencies: ["LatentTensor"], path: "Sources/TestSupport"),
        .testTarget(name: "LatentTensorTests", dependencies: ["LatentTensor", "TestSupport"]),
    ]
)
