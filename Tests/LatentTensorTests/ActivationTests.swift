import LatentTensor
import TestSupport
import Testing

/// The elementwise activations, each with inputs away from its kink.
enum ElementwiseActivation: String, CaseIterable, Sendable {
    case relu, leakyReLU, elu, eluHalf, sigmoid, tanh, softplus, logSigmoid

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: x.relu()
        case .leakyReLU: x.leakyReLU(negativeSlope: 0.2)
        case .elu: x.elu()
        case .eluHalf: x.elu(alpha: 0.5)
        case .sigmoid: x.sigmoid()
        case .tanh: x.tanh()
        case .softplus: x.softplus()
        case .logSigmoid: x.logSigmoid()
        }
    }
}

@Suite("Activations")
struct ActivationTests {
    var generator = SplitMix64(seed: 41)

    // MARK: - Gradients (tolerance 1e-2: Float32 central differences with step 1e-2)

    @Test(arguments: ElementwiseActivation.allCases, [[], [5], [2, 3], [2, 1, 3], [2, 2, 1, 3]])
    mutating func elementwiseGradient(activation: ElementwiseActivation, shape: [Int]) {
        let x = TestInputs.awayFromZero(shape, low: 0.1, high: 3, using: &generator)
        let error = GradientCheck.maximumError(at: [x]) { activation.apply($0[0]) }
        #expect(error < 1e-2, "\(activation) at shape \(shape)")
    }

    @Test(arguments: [([4], 0), ([3, 4], -1), ([3, 4], 0), ([2, 3, 4], 1), ([2, 3, 1, 2], 1)])
    mutating func softmaxAndLogSoftmaxGradients(shape: [Int], axis: Int) {
        let x = Tensor(randomNormal: shape, standardDeviation: 2, using: &generator)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].softmax(alongAxis: axis) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].logSoftmax(alongAxis: axis) } < 1e-2)
    }

    // MARK: - Forward values

    @Test func valuesMatchHandComputedNumbers() {
        let x = Tensor([-2, -0.5, 1.5])
        #expect(x.relu().scalars == [0, 0, 1.5])
        #expect(Close.tensor(x.leakyReLU(negativeSlope: 0.1), shape: [3], [-0.2, -0.05, 1.5]))
        #expect(Close.tensor(x.elu(), shape: [3], [-0.86466473, -0.39346934, 1.5]))
        #expect(Close.tensor(x.elu(alpha: 2), shape: [3], [-1.7293295, -0.7869387, 1.5]))
        #expect(Close.tensor(x.sigmoid(), shape: [3], [0.11920292, 0.37754067, 0.81757448]))
        #expect(Close.tensor(x.tanh(), shape: [3], [-0.96402758, -0.46211716, 0.90514825]))
        #expect(Close.tensor(x.softplus(), shape: [3], [0.12692801, 0.47407698, 1.70141328]))
        #expect(Close.tensor(x.logSigmoid(), shape: [3], [-2.12692801, -0.97407698, -0.20141328]))
        let softmax = Tensor([1, 2, 3]).softmax()
        #expect(Close.tensor(softmax, shape: [3], [0.09003057, 0.24472847, 0.66524096]))
        let logSoftmax = Tensor([1, 2, 3]).logSoftmax()
        #expect(Close.tensor(logSoftmax, shape: [3], [-2.40760596, -1.40760596, -0.40760596]))
    }

    @Test func stableFormsAtLargeMagnitudes() {
        let x = Tensor([-100, 100])
        let softplus = x.softplus().scalars
        #expect(softplus[0] >= 0 && softplus[0] < 1e-30 && softplus[1] == 100)
        let logSigmoid = x.logSigmoid().scalars
        #expect(logSigmoid[0] == -100 && logSigmoid[1] <= 0 && logSigmoid[1] > -1e-30)
        let sigmoid = x.sigmoid().scalars
        #expect(sigmoid[0] >= 0 && sigmoid[0] < 1e-30 && sigmoid[1] == 1)
        #expect(Tensor([-100, 100]).tanh().scalars == [-1, 1])
    }

    @Test func stableGradientsAtLargeMagnitudes() {
        let x = Tensor([-100, 100]).requiringGradient()
        #expect(
            x.softplus().sum().gradients(withRespectTo: [x])[0].scalars.map { $0.rounded() } == [
                0, 1,
            ])
        #expect(
            x.logSigmoid().sum().gradients(withRespectTo: [x])[0].scalars.map { $0.rounded() } == [
                1, 0,
            ])
        let sigmoid = x.sigmoid().sum().gradients(withRespectTo: [x])[0].scalars
        #expect(sigmoid.allSatisfy { $0.isFinite && $0 >= 0 && $0 < 1e-30 })
        let softmax = Tensor([1000, 1000, -1000]).requiringGradient()
        let weights = Tensor([1, 2, 3])
        let gradient = (softmax.softmax() * weights).sum().gradients(withRespectTo: [softmax])[0]
        #expect(Close.tensor(gradient, shape: [3], [-0.25, 0.25, 0]))
    }

    @Test func softmaxRowsSumToOneForLargeInputs() {
        let x = Tensor(
            shape: [3, 3], scalars: [1000, 1000, 999, -1000, -1001, -1002, 80, 90, 100])
        let softmax = x.softmax(alongAxis: 1)
        #expect(softmax.scalars.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(Close.tensor(softmax.sum(alongAxis: 1), shape: [3], [1, 1, 1]))
        #expect(Close.scalars(Array(softmax.scalars[0..<3]), [0.42231882, 0.42231882, 0.15536241]))
        #expect(Close.scalars(Array(softmax.scalars[3..<6]), [0.66524096, 0.24472847, 0.09003057]))
        let logSoftmax = x.logSoftmax(alongAxis: 1)
        #expect(
            Close.scalars(
                Array(logSoftmax.scalars[0..<3]), [-0.86199480, -0.86199480, -1.86199480]))
        let columns = x.softmax(alongAxis: 0)
        #expect(Close.tensor(columns.sum(alongAxis: 0), shape: [3], [1, 1, 1]))
    }
}
