import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

private final class Classifier: Module {
    let layers: Sequential
    init(using generator: inout SplitMix64) {
        layers = Sequential(
            Linear(inputFeatures: 4, outputFeatures: 3, using: &generator), ReLU(),
            BatchNorm(featureCount: 3), Dropout(probability: 0.5, seed: 1),
            Linear(inputFeatures: 3, outputFeatures: 2, bias: false, using: &generator))
    }
    var children: [(name: String, module: any Module)] { [("layers", layers)] }
}

@Suite("Sequential")
struct SequentialTests {
    var generator = SplitMix64(seed: 3)

    @Test mutating func childrenAreNamedByPosition() {
        let model = Classifier(using: &generator)
        #expect(
            model.namedParameters.map(\.name) == [
                "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                "layers.4.weight",
            ])
        #expect(model.namedParameters.map(\.parameter.shape) == [[3, 4], [3], [3], [3], [2, 3]])
        #expect(
            model.namedBuffers.map(\.name) == ["layers.2.running_mean", "layers.2.running_var"])
    }

    @Test mutating func appliesLayersInOrder() {
        let first = Linear(inputFeatures: 4, outputFeatures: 3, using: &generator)
        let second = Linear(inputFeatures: 3, outputFeatures: 2, using: &generator)
        let chain = Sequential([first, Tanh(), second])
        let input = Tensor(randomNormal: [5, 4], using: &generator)
        #expect(Close.tensors(chain(input), second(first(input).tanh())))
    }

    /// A Linear followed by ReLU or LeakyReLU runs as one fused op, with the unfused values and
    /// gradients; a Linear without a bias, or before another layer, runs alone.
    @Test mutating func fusesALinearWithTheActivationAfterIt() {
        let first = Linear(inputFeatures: 4, outputFeatures: 6, using: &generator)
        let second = Linear(inputFeatures: 6, outputFeatures: 5, using: &generator)
        let third = Linear(inputFeatures: 5, outputFeatures: 3, bias: false, using: &generator)
        let chain = Sequential([
            first, ReLU(), second, LeakyReLU(negativeSlope: 0.2), third, ReLU(), Tanh(),
        ])
        let input = Tensor(randomNormal: [7, 4], using: &generator).requiringGradient()
        let output = chain(input)
        let reference = third(second(first(input).relu()).leakyReLU(negativeSlope: 0.2)).relu().tanh()
        #expect(output.scalars == reference.scalars)
        let targets = [input] + chain.parameters.map(\.value)
        let gradients = output.sum().gradients(withRespectTo: targets)
        let expected = reference.sum().gradients(withRespectTo: targets)
        for (index, (a, b)) in zip(gradients, expected).enumerated() {
            #expect(Close.tensors(a, b, tolerance: 1e-6), "target \(index)")
        }
        let hidden = Sequential([first, ReLU()])(input)
        #expect(hidden.node?.operation == "addBiasLeakyReLU")
        #expect(Sequential([third, ReLU()])(input.matmul(Tensor(zeros: [4, 5])))
            .node?.operation == "relu")
    }

    @Test mutating func trainingModeReachesEveryLayer() {
        let model = Classifier(using: &generator)
        model.eval()
        let dropout = model.layers.layers[3] as! Dropout
        let norm = model.layers.layers[2] as! BatchNorm
        #expect(!dropout.isTraining && !norm.isTraining)
        model.train()
        #expect(dropout.isTraining && norm.isTraining)
    }
}
