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

    // MARK: - Every pullback is differentiable

    /// `Σ (∂/∂x Σ w·f(x))²`: differentiating it runs the pullback of `f` under `createsGraph`.
    static func squaredGradient(of function: @escaping (Tensor) -> Tensor, at x: Tensor) -> Tensor {
        var generator = SplitMix64(seed: 5)
        let weights = Tensor(
            randomUniform: x.shape, lowerBound: 0.5, upperBound: 1.5, using: &generator)
        let gradient = (function(x) * weights).sum().gradients(
            withRespectTo: [x], createsGraph: true)[0]
        return gradient.squared().sum()
    }

    // Tolerance 2e-2, as above.
    @Test(arguments: UnaryFunction.allCases)
    mutating func unaryFunctionSecondOrder(function: UnaryFunction) {
        let x = function.input([2, 3], using: &generator)
        let error = GradientCheck.maximumSecondOrderError(parameters: [x]) {
            Self.squaredGradient(of: function.apply, at: $0[0])
        }
        #expect(error < 2e-2, "\(function)")
    }

    @Test(arguments: ElementwiseActivation.allCases)
    mutating func activationSecondOrder(activation: ElementwiseActivation) {
        let x = TestInputs.awayFromZero([2, 3], low: 0.1, high: 3, using: &generator)
        let error = GradientCheck.maximumSecondOrderError(parameters: [x]) {
            Self.squaredGradient(of: activation.apply, at: $0[0])
        }
        #expect(error < 2e-2, "\(activation)")
    }

    @Test mutating func compositeSecondOrder() {
        // Distinct and away from 0 (the kink of the `where` below).
        let x = TestInputs.distinct([2, 3], spacing: 0.3, offset: 0.15, using: &generator)
        let positive = Tensor(randomUniform: [3], lowerBound: 0.5, upperBound: 2, using: &generator)
        let composites: [(String, (Tensor) -> Tensor)] = [
            ("softmax", { $0.softmax(alongAxis: 1) }),
            ("logSoftmax", { $0.logSoftmax(alongAxis: 0) }),
            (
                "logSumExp",
                { $0.logSumExp(alongAxis: 1, keepingDimensions: true).expanded(to: [2, 3]) }
            ),
            ("variance", { $0.variance(alongAxis: 0, keepingDimensions: true) * $0 }),
            ("max", { $0.max(alongAxis: 1, keepingDimensions: true) * $0 }),
            ("divide", { positive / ($0.squared() + 1) }),
            ("pow", { positive.pow($0) + ($0.squared() + 1).pow(positive) }),
            ("where", { Tensor.where($0 .> 0, $0.squared(), $0.tanh()) }),
            ("maximum", { $0.maximum($0.squared() - 0.8) }),
        ]
        for (name, function) in composites {
            let error = GradientCheck.maximumSecondOrderError(parameters: [x]) {
                Self.squaredGradient(of: function, at: $0[0])
            }
            #expect(error < 2e-2, "\(name)")
        }
    }
}
