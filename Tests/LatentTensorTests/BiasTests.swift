import LatentTensor
import TestSupport
import Testing

/// `addingBias(_:activation:)`: the fused bias and activation of a linear layer.
@Suite("Bias")
struct BiasTests {
    var generator = SplitMix64(seed: 57)

    static let activations: [Tensor.BiasActivation] = [
        .identity, .relu, .leakyReLU(negativeSlope: 0.2),
    ]

    /// The ops the fused one replaces.
    static func unfused(_ x: Tensor, _ bias: Tensor, _ activation: Tensor.BiasActivation) -> Tensor {
        switch activation {
        case .identity: return x + bias
        case .leakyReLU(let slope):
            return slope == 0 ? (x + bias).relu() : (x + bias).leakyReLU(negativeSlope: slope)
        }
    }

    // [300, 512] is split across the worker threads; [2, 3, 5] adds along the last of three axes;
    // [300, 1] (one output unit) and [5] (rank 1) take the unfused pullback.
    @Test(arguments: activations, [[3, 5], [2, 3, 5], [300, 512], [300, 1], [5]])
    mutating func valuesAndGradientsAreTheUnfusedOnesBitForBit(
        activation: Tensor.BiasActivation, shape: [Int]
    ) {
        let x = Tensor(randomNormal: shape, using: &generator).requiringGradient()
        let bias = Tensor(randomNormal: [shape[shape.count - 1]], using: &generator).requiringGradient()
        let weights = Tensor(randomNormal: shape, using: &generator)
        let fused = x.addingBias(bias, activation: activation)
        let reference = Self.unfused(x, bias, activation)
        #expect(fused.scalars == reference.scalars, "\(activation) \(shape)")
        let fusedGradients = (fused * weights).sum().gradients(withRespectTo: [x, bias])
        let referenceGradients = (reference * weights).sum().gradients(withRespectTo: [x, bias])
        #expect(fusedGradients[0].scalars == referenceGradients[0].scalars, "\(activation) \(shape)")
        #expect(fusedGradients[1].scalars == referenceGradients[1].scalars, "\(activation) \(shape)")
    }

    // Sums kept at least 0.05 from the kink, beyond the finite differences' step of 1e-2.
    @Test(arguments: activations)
    mutating func gradientsMatchFiniteDifferences(activation: Tensor.BiasActivation) {
        let x = TestInputs.awayFromZero([4, 6], low: 0.1, high: 2, using: &generator)
        let bias = Tensor(randomUniform: [6], lowerBound: -0.05, upperBound: 0.05, using: &generator)
        let error = GradientCheck.maximumError(at: [x, bias]) {
            $0[0].addingBias($0[1], activation: activation)
        }
        #expect(error < 1e-2, "\(activation)")
    }

    @Test func valuesMatchHandComputedNumbers() {
        let x = Tensor(shape: [2, 3], scalars: [-2, 0.5, 1, 3, -1, 0])
        let bias = Tensor([1, -1, 0])
        #expect(x.addingBias(bias).scalars == [-1, -0.5, 1, 4, -2, 0])
        #expect(x.addingBias(bias, activation: .relu).scalars == [0, 0, 1, 4, 0, 0])
        #expect(
            Close.tensor(
                x.addingBias(bias, activation: .leakyReLU(negativeSlope: 0.1)), shape: [2, 3],
                [-0.1, -0.05, 1, 4, -0.2, 0]))
    }

    /// The WGAN-GP penalty through a critic whose hidden layer uses the fused op: its gradient
    /// against finite differences, and equal to the penalty's through the unfused ops.
    @Test(arguments: [Tensor.BiasActivation.relu, .leakyReLU(negativeSlope: 0.2)])
    mutating func penaltyDifferentiatesTwice(activation: Tensor.BiasActivation) {
        let input = Tensor(randomNormal: [3, 4], using: &generator)
        let parameters = [
            Tensor(randomNormal: [4, 5], standardDeviation: 0.7, using: &generator),
            Tensor(randomNormal: [5], standardDeviation: 0.5, using: &generator),
            Tensor(randomNormal: [5, 1], standardDeviation: 0.7, using: &generator),
        ]
        func penalty(_ parameters: [Tensor], fused: Bool) -> Tensor {
            let x = input.requiringGradient()
            let product = x.matmul(parameters[0])
            let hidden =
                fused
                ? product.addingBias(parameters[1], activation: activation)
                : Self.unfused(product, parameters[1], activation)
            let gradient = hidden.matmul(parameters[2]).sum()
                .gradients(withRespectTo: [x], createsGraph: true)[0]
            return (gradient.squared().sum(alongAxis: 1).sqrt() - 1).squared().mean()
        }
        let error = GradientCheck.maximumSecondOrderError(parameters: parameters) {
            penalty($0, fused: true)
        }
        #expect(error < 2e-2, "\(activation)")
        let leaves = parameters.map { $0.requiringGradient() }
        let fused = penalty(leaves, fused: true).gradients(withRespectTo: leaves)
        let reference = penalty(leaves, fused: false).gradients(withRespectTo: leaves)
        for (a, b) in zip(fused, reference) { #expect(Close.tensors(a, b, tolerance: 1e-5)) }
    }
}
