import LatentTensor
import TestSupport
import Testing

/// The elementwise functions of one tensor, each with an input domain that avoids its kinks
/// and singularities.
enum UnaryFunction: String, CaseIterable, Sendable {
    case exp, log, log1p, expm1, sqrt, rsqrt, abs, squared, reciprocal, clamped

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .exp: x.exp()
        case .log: x.log()
        case .log1p: x.log1p()
        case .expm1: x.expm1()
        case .sqrt: x.sqrt()
        case .rsqrt: x.rsqrt()
        case .abs: x.abs()
        case .squared: x.squared()
        case .reciprocal: x.reciprocal()
        case .clamped: x.clamped(min: -0.5, max: 0.5)
        }
    }

    func input(_ shape: [Int], using generator: inout some RandomNumberGenerator) -> Tensor {
        switch self {
        case .exp, .expm1, .squared: Tensor(randomNormal: shape, using: &generator)
        case .log, .sqrt, .rsqrt:
            Tensor(randomUniform: shape, lowerBound: 0.5, upperBound: 3, using: &generator)
        case .log1p:
            Tensor(randomUniform: shape, lowerBound: -0.5, upperBound: 2, using: &generator)
        case .abs: TestInputs.awayFromZero(shape, using: &generator)
        case .reciprocal: TestInputs.awayFromZero(shape, low: 0.5, high: 2, using: &generator)
        // The grid 0.05 + 0.2k: inside, below and above, never within 0.05 of a bound.
        case .clamped: TestInputs.distinct(shape, spacing: 0.2, offset: 0.05, using: &generator)
        }
    }
}

@Suite("Math")
struct MathTests {
    var generator = SplitMix64(seed: 31)

    // Tolerance 1e-2: Float32 central differences with step 1e-2.
    @Test(arguments: UnaryFunction.allCases, [[], [5], [2, 3], [2, 1, 3], [2, 2, 1, 3]])
    mutating func gradientMatchesFiniteDifferences(function: UnaryFunction, shape: [Int]) {
        let x = function.input(shape, using: &generator)
        let error = GradientCheck.maximumError(at: [x]) { function.apply($0[0]) }
        #expect(error < 1e-2, "\(function) at shape \(shape)")
    }

    @Test func valuesMatchHandComputedNumbers() {
        let x = Tensor([0.25, 1, 4])
        #expect(Close.tensor(x.sqrt(), shape: [3], [0.5, 1, 2]))
        #expect(Close.tensor(x.rsqrt(), shape: [3], [2, 1, 0.5]))
        #expect(Close.tensor(x.reciprocal(), shape: [3], [4, 1, 0.25]))
        #expect(Close.tensor(x.squared(), shape: [3], [0.0625, 1, 16]))
        #expect(Close.tensor(x.log(), shape: [3], [-1.3862944, 0, 1.3862944]))
        #expect(Close.tensor(Tensor([0, 1, -1]).exp(), shape: [3], [1, 2.7182817, 0.36787945]))
        #expect(Tensor([-2, 0, 3]).abs().scalars == [2, 0, 3])
        #expect(Tensor([-2, 0, 3]).sign().scalars == [-1, 0, 1])
        #expect(Tensor([-2, 0.25, 3]).clamped(to: -1...1).scalars == [-1, 0.25, 1])
        #expect(Tensor([-2, 0.25, 3]).clamped(min: 0).scalars == [0, 0.25, 3])
    }

    @Test func log1pAndExpm1AreAccurateNearZero() {
        // log(1 + x) and exp(x) − 1 computed naively lose every digit here in Float32.
        let tiny = Tensor([1e-7, -1e-7, 1e-10])
        #expect(
            Close.scalars(tiny.log1p().scalars.map { $0 / 1e-7 }, [1, -1, 1e-3], tolerance: 1e-5))
        #expect(
            Close.scalars(tiny.expm1().scalars.map { $0 / 1e-7 }, [1, -1, 1e-3], tolerance: 1e-5))
        #expect(Close.tensor(Tensor([1, -0.5]).log1p(), shape: [2], [0.6931472, -0.6931472]))
        #expect(Close.tensor(Tensor([1, -1]).expm1(), shape: [2], [1.7182817, -0.63212055]))
    }

    @Test func clampGradientIsZeroOutsideTheRange() {
        let x = Tensor([-2, 0.25, 3]).requiringGradient()
        let gradient = x.clamped(to: -1...1).sum().gradients(withRespectTo: [x])[0]
        #expect(gradient.scalars == [0, 1, 0])
    }

    @Test func absGradientIsTheSign() {
        let x = Tensor([-2, 3]).requiringGradient()
        #expect(x.abs().sum().gradients(withRespectTo: [x])[0].scalars == [-1, 1])
    }
}
