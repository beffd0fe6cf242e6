import LatentTensor
import Testing

@testable import LatentNN

@Suite("Initializers")
struct InitializersTests {
    var generator = SplitMix64(seed: 13)

    private func standardDeviation(_ tensor: Tensor) -> Float {
        let values = tensor.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        return Float(
            (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count))
                .squareRoot())
    }

    @Test func fansFollowPyTorch() {
        #expect(Initializers.fans(of: [400, 784]) == (784, 400))
        #expect(Initializers.fans(of: [16, 3, 5, 5]) == (75, 400))
    }

    @Test mutating func uniformInitialisersStayInTheirBoundsAndFillThem() {
        let shape = [64, 100]
        let cases: [(Tensor, Float)] = [
            (Initializers.defaultWeight(shape, using: &generator), 1 / 10),
            (Initializers.kaimingUniform(shape, using: &generator), (6 / Float(100)).squareRoot()),
            (Initializers.xavierUniform(shape, using: &generator), (6 / Float(164)).squareRoot()),
            (
                Initializers.xavierUniform(shape, gain: 2, using: &generator),
                2 * (6 / Float(164)).squareRoot()
            ),
            (Initializers.defaultBias([64], fanIn: 100, using: &generator), 1 / 10),
        ]
        for (tensor, bound) in cases {
            let largest = tensor.scalars.map(abs).max()!
            #expect(largest <= bound && largest > 0.9 * bound, "bound \(bound)")
            // A uniform on ±b has standard deviation b/√3; 6400 draws pin it to about 1%.
            if tensor.scalarCount > 1000 {
                #expect(abs(standardDeviation(tensor) / (bound / Float(3).squareRoot()) - 1) < 0.03)
            }
        }
    }

    @Test mutating func normalInitialisersHaveTheirStandardDeviation() {
        let shape = [32, 8, 3, 3]  // fanIn 72, fanOut 288
        let cases: [(Tensor, Float)] = [
            (Initializers.kaimingNormal(shape, using: &generator), (2 / Float(72)).squareRoot()),
            (
                Initializers.kaimingNormal(shape, negativeSlope: 0.2, using: &generator),
                (2 / (1.04 * Float(72))).squareRoot()
            ),
            (Initializers.xavierNormal(shape, using: &generator), (2 / Float(360)).squareRoot()),
            (Initializers.normal(shape, using: &generator), 0.02),
        ]
        for (tensor, expected) in cases {
            #expect(abs(standardDeviation(tensor) / expected - 1) < 0.05, "std \(expected)")
        }
    }

    @Test func theSameSeedGivesTheSameWeights() {
        var first = SplitMix64(seed: 1)
        var second = SplitMix64(seed: 1)
        #expect(
            Initializers.xavierNormal([3, 4], using: &first).scalars
                == Initializers.xavierNormal([3, 4], using: &second).scalars)
    }

    @Test mutating func dcganInitialisationReachesConvolutionsAndBatchNorms() {
        let generatorNetwork = Sequential(
            ConvTranspose2d(
                inputChannels: 64, outputChannels: 32, kernelSize: 4, using: &generator),
            BatchNorm(featureCount: 32), ReLU(),
            Conv2d(inputChannels: 32, outputChannels: 64, kernelSize: 4, using: &generator),
            Linear(inputFeatures: 3, outputFeatures: 2, using: &generator))
        let linearWeight = (generatorNetwork.layers[4] as! Linear).weight.value.scalars
        Initializers.applyDCGAN(to: generatorNetwork, using: &generator)
        let values = Dictionary(
            uniqueKeysWithValues: generatorNetwork.namedParameters.map {
                ($0.name, $0.parameter.value)
            })
        #expect(abs(standardDeviation(values["0.weight"]!) / 0.02 - 1) < 0.05)
        #expect(abs(standardDeviation(values["3.weight"]!) / 0.02 - 1) < 0.05)
        let scale = values["1.weight"]!.scalars
        #expect(scale.allSatisfy { abs($0 - 1) < 0.1 } && Set(scale).count > 1)
        #expect(values["1.bias"]!.scalars.allSatisfy { $0 == 0 })
        #expect(values["4.weight"]!.scalars == linearWeight)
    }
}
