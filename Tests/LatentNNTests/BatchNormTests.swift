import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

/// PyTorch's batch-norm formulas, written out per feature in Double.
private func reference(
    _ input: Tensor, running: (mean: [Double], variance: [Double])?, epsilon: Double = 1e-5
) -> (output: [Float], mean: [Double], biased: [Double], unbiased: [Double]) {
    let (batch, features) = (input.shape[0], input.shape[1])
    let spatial = input.shape.dropFirst(2).reduce(1, *)
    let x = input.scalars.map(Double.init)
    func index(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * features + c) * spatial + s }
    var output = [Float](repeating: 0, count: x.count)
    var means: [Double] = []
    var biased: [Double] = []
    var unbiased: [Double] = []
    for c in 0..<features {
        let values = (0..<batch).flatMap { n in (0..<spatial).map { x[index(n, c, $0)] } }
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        means.append(mean)
        biased.append(squares / Double(values.count))
        unbiased.append(squares / Double(values.count - 1))
        let (m, v) = running.map { ($0.mean[c], $0.variance[c]) } ?? (mean, biased[c])
        for n in 0..<batch {
            for s in 0..<spatial {
                output[index(n, c, s)] = Float((x[index(n, c, s)] - m) / (v + epsilon).squareRoot())
            }
        }
    }
    return (output, means, biased, unbiased)
}

@Suite("BatchNorm")
struct BatchNormTests {
    var generator = SplitMix64(seed: 17)

    @Test func parametersAndBuffersHavePyTorchNames() {
        let norm = BatchNorm(featureCount: 3)
        #expect(norm.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(norm.namedParameters.map(\.parameter.shape) == [[3], [3]])
        #expect(norm.namedBuffers.map(\.name) == ["running_mean", "running_var"])
        #expect(norm.runningMean.value.scalars == [0, 0, 0])
        #expect(norm.runningVariance.value.scalars == [1, 1, 1])
    }

    @Test func trainingNormalisesWithBatchStatisticsOfFeatures() {
        let norm = BatchNorm(featureCount: 2)
        let input = Tensor(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 6, 0])
        // Feature 0: mean 3, biased variance (4+1+0+9)/4 = 3.5, unbiased 14/3.
        let expected = [1, 2, 3, 6].map { Float((Double($0) - 3) / (3.5 + 1e-5).squareRoot()) }
        let output = norm(input)
        #expect(Close.scalars(stride(from: 0, to: 8, by: 2).map { output.scalars[$0] }, expected))
        #expect(Close.scalars(norm.runningMean.value.scalars, [0.3, 1.5]))
        // Feature 1: mean 15, squares 25+25+225+225 = 500: unbiased 500/3.
        #expect(
            Close.scalars(
                norm.runningVariance.value.scalars,
                [
                    Float(0.9 + 0.1 * 14 / 3.0),
                    Float(0.9 + 0.1 * 500 / 3.0),
                ]))
    }

    @Test mutating func twoDimensionalTrainingMatchesPyTorchsFormulas() {
        let norm = BatchNorm(featureCount: 3, momentum: 0.2)
        norm.weight.value = Tensor([1, 2, -1])
        norm.bias.value = Tensor([0, 0.5, 1])
        let input = Tensor(
            randomNormal: [2, 3, 2, 2], mean: 1, standardDeviation: 2, using: &generator)
        let expected = reference(input, running: nil)
        let scaled = (0..<24).map { i -> Float in
            let c = (i / 4) % 3
            return expected.output[i] * [1, 2, -1][c] + [0, 0.5, 1][c]
        }
        #expect(Close.tensor(norm(input), shape: [2, 3, 2, 2], scaled, tolerance: 1e-5))
        #expect(
            Close.scalars(norm.runningMean.value.scalars, expected.mean.map { Float(0.2 * $0) }))
        #expect(
            Close.scalars(
                norm.runningVariance.value.scalars,
                expected.unbiased.map { Float(0.8 + 0.2 * $0) }))
    }

    @Test mutating func evaluationUsesRunningStatisticsAndLeavesThemAlone() {
        let norm = BatchNorm(featureCount: 3)
        for _ in 0..<3 { _ = norm(Tensor(randomNormal: [8, 3, 2, 2], mean: 2, using: &generator)) }
        let (mean, variance) = (norm.runningMean.value.scalars, norm.runningVariance.value.scalars)
        norm.eval()
        let input = Tensor(randomNormal: [2, 3, 2, 2], using: &generator)
        let expected = reference(input, running: (mean.map(Double.init), variance.map(Double.init)))
        #expect(Close.tensor(norm(input), shape: input.shape, expected.output, tolerance: 1e-5))
        #expect(
            norm.runningMean.value.scalars == mean && norm.runningVariance.value.scalars == variance
        )
        // One sample per feature is fine in evaluation mode.
        #expect(norm(Tensor(zeros: [1, 3])).shape == [1, 3])
    }

    @Test mutating func gradientFlowsThroughBatchStatistics() {
        let norm = BatchNorm(featureCount: 2)
        norm.weight.value = Tensor([1.5, -0.5])
        let input = Tensor(randomNormal: [5, 2, 2, 1], using: &generator)
        // Central differences with step 1e-2 in Float32: errors below 1e-2.
        #expect(GradientCheck.maximumError(at: [input]) { norm($0[0]) } < 1e-2)
        let gradients = norm(input).sum().gradients(withRespectTo: norm.parameters.map(\.value))
        // The normalised values of each feature sum to zero; the bias sees one per element.
        #expect(Close.tensor(gradients[0], shape: [2], [0, 0], tolerance: 1e-4))
        #expect(Close.tensor(gradients[1], shape: [2], [10, 10]))
    }

    /// Re-estimating sets the running statistics to the plain mean over the batches, then the
    /// momentum update returns; the layer's mode is restored.
    @Test mutating func reestimatedStatisticsAreThePlainMeanOverBatches() {
        let norm = BatchNorm(featureCount: 3)
        norm.eval()
        let batches = (0..<3).map { shift in
            Tensor(randomNormal: [5, 3, 2], using: &generator) * Float(shift + 1) + Float(shift)
        }
        norm.reestimateBatchNormStatistics(batches: batches.count) { _ = norm(batches[$0]) }
        let references = batches.map { reference($0, running: nil) }
        for feature in 0..<3 {
            let mean = references.map { $0.mean[feature] }.reduce(0, +) / 3
            let variance = references.map { $0.unbiased[feature] }.reduce(0, +) / 3
            #expect(abs(Double(norm.runningMean.value.scalars[feature]) - mean) < 1e-5)
            #expect(abs(Double(norm.runningVariance.value.scalars[feature]) - variance) < 1e-4)
        }
        #expect(!norm.isTraining)
        // Back to the momentum update: one more batch moves the statistics by 0.1 of the way.
        norm.train()
        let before = norm.runningMean.value.scalars
        _ = norm(batches[0])
        for feature in 0..<3 {
            let expected = 0.9 * Double(before[feature]) + 0.1 * references[0].mean[feature]
            #expect(abs(Double(norm.runningMean.value.scalars[feature]) - expected) < 1e-5)
        }
    }

    @Test mutating func aTreeListsItsBatchNormLayers() {
        let tree = Sequential([Linear(inputFeatures: 2, outputFeatures: 3, using: &generator), BatchNorm(featureCount: 3),
                               ReLU(), BatchNorm(featureCount: 3)])
        #expect(tree.batchNormLayers.count == 2)
    }
}
