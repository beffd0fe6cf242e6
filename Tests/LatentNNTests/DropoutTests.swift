import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("Dropout")
struct DropoutTests {
    @Test func keepsTheExpectationAndScalesSurvivors() {
        let dropout = Dropout(probability: 0.3, seed: 1)
        let output = dropout(Tensor(ones: [20_000]))
        let zeros = output.scalars.filter { $0 == 0 }.count
        // 20 000 Bernoulli(0.3) draws: the fraction's standard deviation is about 0.003.
        #expect(abs(Float(zeros) / 20_000 - 0.3) < 0.015)
        #expect(output.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        #expect(abs(output.mean().scalar - 1) < 0.03)
    }

    @Test func evaluationIsTheIdentity() {
        let dropout = Dropout(probability: 0.5, seed: 2)
        dropout.eval()
        let input = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(dropout(input).scalars == input.scalars)
        #expect(dropout.namedParameters.isEmpty)
    }

    @Test func theSameSeedGivesTheSameMasks() {
        let first = Dropout(probability: 0.5, seed: 9)
        let second = Dropout(probability: 0.5, seed: 9)
        let input = Tensor(ones: [64])
        #expect(first(input).scalars == second(input).scalars)
        #expect(first(input).scalars != first(input).scalars)
    }

    @Test func extremeProbabilities() {
        let input = Tensor([1, -2, 3])
        #expect(Dropout(probability: 0, seed: 1)(input).scalars == [1, -2, 3])
        #expect(Dropout(probability: 1, seed: 1)(input).scalars == [0, 0, 0])
    }

    @Test func gradientIsTheScaledMask() {
        let dropout = Dropout(probability: 0.5, seed: 4)
        let input = Tensor(ones: [32]).requiringGradient()
        let output = dropout(input)
        let gradient = output.sum().gradients(withRespectTo: [input])[0]
        #expect(gradient.scalars == output.scalars)
    }
}
