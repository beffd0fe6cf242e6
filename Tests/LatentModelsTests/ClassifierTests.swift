import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

/// 8×8 images: class 0 bright in the top half, class 1 in the bottom half, 2 in the left half,
/// with uniform noise.
func halvesDataset(count: Int, seed: UInt64) -> LatentData.Dataset {
    var generator = SplitMix64(seed: seed)
    var scalars: [Float] = [], labels: [Int] = []
    for index in 0..<count {
        let label = index % 3
        labels.append(label)
        for row in 0..<8 {
            for column in 0..<8 {
                let lit = label == 0 ? row < 4 : label == 1 ? row >= 4 : column < 4
                scalars.append((lit ? 0.7 : 0.1) + 0.3 * generator.nextUnitFloat())
            }
        }
    }
    return Dataset(name: "halves", examples: Tensor(shape: [count, 1, 8, 8], scalars: scalars), labels: labels,
                   classCount: 3, valueRange: 0...1)
}

@Suite("Classifier")
struct ClassifierTests {
    @Test func convParameterNamesAndFeatureWidth() {
        var generator = SplitMix64(seed: 1)
        let model = Classifier(ClassifierConfiguration(), using: &generator)
        #expect(model.namedParameters.map(\.name) == [
            "body.0.weight", "body.0.bias", "body.3.weight", "body.3.bias", "body.7.weight", "body.7.bias",
            "head.weight", "head.bias",
        ])
        #expect(model.features(Tensor(zeros: [2, 1, 28, 28])).shape == [2, 128])
        #expect(model(Tensor(zeros: [2, 1, 28, 28])).shape == [2, 10])
    }

    /// Settings a network cannot be built from are refused in one line, before any weight is
    /// allocated: an edited config.json or an option out of range.
    @Test func validationRefusesSettingsThatCannotWork() throws {
        try ClassifierConfiguration().validate()
        func refusal(_ change: (inout ClassifierConfiguration) -> Void) -> String {
            var configuration = ClassifierConfiguration()
            change(&configuration)
            let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
            return error?.description ?? ""
        }
        #expect(refusal { $0.dropout = 1 }.contains("dropout must be in [0, 1), got 1.0"))
        #expect(refusal { $0.dropout = .nan }.contains("dropout"))
        #expect(refusal { $0.featureCount = 0 }.contains("positive feature count"))
        #expect(refusal { $0.imageShape = [2] }.contains("got [2]"))
        #expect(refusal { $0.imageShape = [1, 2, 2] }.contains("at least 4 × 4"))
        #expect(refusal { $0.inputStandardDeviation = 0 }.contains("standard deviation"))
        #expect(refusal { $0.featureCount = 100_000_000 }.contains("3136 × 100000000 weights"))
        var mlp = ClassifierConfiguration()
        mlp.architecture = .mlp
        mlp.imageShape = [1, 2, 2]
        try mlp.validate()
    }

    /// Both architectures learn a three-class toy problem to ≥ 90% held-out accuracy in 3 epochs.
    @Test(arguments: [ClassifierConfiguration.Architecture.conv, .mlp])
    func learnsAToyProblem(architecture: ClassifierConfiguration.Architecture) throws {
        let configuration = toyClassifierConfiguration(architecture)
        var options = ClassifierTrainingOptions()
        options.epochs = 3
        options.batchSize = 16
        options.learningRate = 0.01
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-classifier-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let trainer = try ClassifierTrainer(
            configuration: configuration, options: options, training: halvesDataset(count: 192, seed: 1),
            test: halvesDataset(count: 60, seed: 2), dataset: "halves", folder: RunFolder(creating: folder, resuming: false),
            resuming: false)
        let summary = try trainer.run(quiet: true)
        #expect(summary.testAccuracy >= 0.9, "\(architecture): \(summary.testAccuracy)")
        // The run reloads for evaluation with the same predictions.
        guard case .classifier(let reloaded) = try TrainedRun(path: folder).model else {
            Issue.record("the run did not reload as a classifier")
            return
        }
        let test = halvesDataset(count: 60, seed: 2)
        #expect(reloaded.predictions(test.examples) == trainer.model.predictions(test.examples))
    }
}

/// A classifier of `architecture` for the 8×8 halves: three classes, 16 features.
func toyClassifierConfiguration(_ architecture: ClassifierConfiguration.Architecture) -> ClassifierConfiguration {
    var configuration = ClassifierConfiguration()
    configuration.architecture = architecture
    configuration.imageShape = [1, 8, 8]
    configuration.classCount = 3
    configuration.featureCount = 16
    configuration.inputMean = 0.4
    configuration.inputStandardDeviation = 0.3
    return configuration
}
