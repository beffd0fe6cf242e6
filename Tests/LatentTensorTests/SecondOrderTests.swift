import LatentTensor
import TestSupport
import Testing

/// The activations a WGAN-GP critic may use, for the gradient-penalty checks.
enum CriticActivation: String, CaseIterable, Sendable {
    case relu, leakyReLU, tanh, sigmoid, softplus, squared, sqrtOfSoftplus

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: x.relu()
        case .leakyReLU: x.leakyReLU(negativeSlope: 0.2)
        case .tanh: x.tanh()
        case .sigmoid: x.sigmoid()
        case .softplus: x.softplus()
        case .squared: x.squared()
        // sqrt needs positive inputs; softplus supplies them.
        case .sqrtOfSoftplus: x.softplus().sqrt()
        }
    }
}

/// Gradients of gradient norms (the WGAN-GP penalty) against finite differences.
@Suite("SecondOrder")
struct SecondOrderTests {
    var generator = SplitMix64(seed: 81)

    /// `(‖∂f/∂x‖₂ − 1)²` averaged over the batch, for the critic
    /// `f(x) = activation(x · w1 + b1) · w2 + b2`; `parameters` is `[w1, b1, w2, b2]`.
    static func penalty(
        _ input: Tensor, _ parameters: [Tensor], activation: CriticActivation, reducesByMean: Bool
    ) -> Tensor {
        // A fresh leaf unless the caller differentiates with respect to the input itself.
        let x = input.requiresGradient ? input : input.requiringGradient()
        let hidden = activation.apply(x.matmul(parameters[0]) + parameters[1])
        let output = hidden.matmul(parameters[2]) + parameters[3]
        let score = reducesByMean ? output.mean() : output.sum()
        let gradient = score.gradients(withRespectTo: [x], createsGraph: true)[0]
        let norm = gradient.squared().sum(alongAxis: 1).sqrt()
        return (norm - 1).squared().mean()
    }

    // Tolerance 2e-2: the objective is itself a gradient, so Float32 rounding in both passes
    // enters the central differences (step 1e-2).
    @Test(arguments: CriticActivation.allCases, [false, true])
    mutating func penaltyGradientWithRespectToWeights(
        activation: CriticActivation, reducesByMean: Bool
    ) {
        let input = Tensor(randomNormal: [3, 4], using: &generator)
        let parameters = [
            Tensor(randomNormal: [4, 5], standardDeviation: 0.7, using: &generator),
            Tensor(randomNormal: [5], standardDeviation: 0.5, using: &generator),
            Tensor(randomNormal: [5, 1], standardDeviation: 0.7, using: &generator),
            Tensor(randomNormal: [1], using: &generator),
        ]
        let error = GradientCheck.maximumSecondOrderError(parameters: parameters) {
            Self.penalty(input, $0, activation: activation, reducesByMean: reducesByMean)
        }
        #expect(error < 2e-2, "\(activation), mean: \(reducesByMean)")
    }

    @Test(arguments: CriticActivation.allCases)
    mutating func penaltyGradientWithRespectToInput(activation: CriticActivation) {
        let input = Tensor(randomNormal: [2, 3], using: &generator)
        let parameters = [
            Tensor(randomNormal: [3, 4], standardDeviation: 0.7, using: &generator),
            Tensor(randomNormal: [4], standardDeviation: 0.5, using: &generator),
            Tensor(randomNormal: [4, 1], standardDeviation: 0.7, using: &generator),
            Tensor(randomNormal: [1], using: &generator),
        ]
        let error = GradientCheck.maximumSecondOrderError(parameters: [input]) {
            Self.penalty($0[0], parameters, activation: activation, reducesByMean: false)
        }
        #expect(error < 2e-2, "\(activation)")
    }

    @Test mutating func penaltyThroughBroadcastingAndBatchedProducts() {
        // A bilinear critic over a batch: f = Σ tanh(x · W · xᵀ + c), with c broadcast from [1, 1].
        let input = Tensor(randomNormal: [2, 3, 2], using: &generator)
        let parameters = [
            Tensor(randomNormal: [2, 2, 2], standardDeviation: 0.5, using: &generator),
            Tensor(randomNormal: [1, 1], using: &generator),
        ]
        let error = GradientCheck.maximumSecondOrderError(parameters: parameters) { weights in
            let x = input.requiringGradient()
            let scores = x.matmul(weights[0]).matmul(x, transposingOther: true) + weights[1]
            let gradient = scores.tanh().sum().gradients(withRespectTo: [x], createsGraph: true)[0]
            return (gradient.flattened().squared().sum(alongAxis: 1).sqrt() - 1).squared().mean()
        }
        #expect(error < 2e-2)
    }
}
