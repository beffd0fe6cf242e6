import Foundation
import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

// Expected values are hand-computed from the formulas in the doc comments (in Double here).
@Suite("Losses")
struct LossesTests {
    var generator = SplitMix64(seed: 5)

    // MARK: - Binary cross-entropy

    @Test func binaryCrossEntropyOfProbabilities() {
        let p = Tensor([0.9, 0.2, 0.5, 0.75])
        let y = Tensor([1, 0, 1, 0])
        let terms = [-log(0.9), -log(0.8), -log(0.5), -log(0.25)]
        let loss = binaryCrossEntropy(probabilities: p, labels: y, reduction: .none)
        #expect(Close.tensor(loss, shape: [4], terms.map(Float.init)))
        #expect(
            Close.scalars(
                [binaryCrossEntropy(probabilities: p, labels: y).scalar],
                [Float(terms.reduce(0, +) / 4)]))
        #expect(
            Close.scalars(
                [binaryCrossEntropy(probabilities: p, labels: y, reduction: .sum).scalar],
                [Float(terms.reduce(0, +))]))
    }

    @Test func certainWrongProbabilitiesCostOneHundredWithFiniteGradient() {
        let p = Tensor([0, 1, 0, 1]).requiringGradient()
        let y = Tensor([1, 0, 0, 1])
        let loss = binaryCrossEntropy(probabilities: p, labels: y, reduction: .none)
        #expect(loss.scalars == [100, 100, 0, 0])
        let gradient = loss.sum().gradients(withRespectTo: [p])[0]
        #expect(gradient.scalars.allSatisfy { $0.isFinite })
    }

    @Test func binaryCrossEntropyOfLogitsMatchesTheProbabilityForm() {
        let x = Tensor([-3, -0.5, 0, 1.5, 4])
        let y = Tensor([0, 1, 1, 0, 0.3])
        let fromLogits = binaryCrossEntropy(logits: x, labels: y, reduction: .none)
        let fromProbabilities = binaryCrossEntropy(
            probabilities: x.sigmoid(), labels: y, reduction: .none)
        #expect(Close.tensors(fromLogits, fromProbabilities, tolerance: 1e-5))
        #expect(
            Close.scalars(
                [binaryCrossEntropy(logits: Tensor([0]), labels: Tensor([1])).scalar],
                [Float(log(2.0))]))
    }

    @Test func binaryCrossEntropyOfLargeLogitsIsExact() {
        let x = Tensor([100, -100, 1000, -1000, 50]).requiringGradient()
        let y = Tensor([0, 1, 1, 0, 1])
        let loss = binaryCrossEntropy(logits: x, labels: y, reduction: .none)
        #expect(loss.scalars == [100, 100, 0, 0, 0])
        let gradient = loss.sum().gradients(withRespectTo: [x])[0]
        // σ(x) − y: 1, −1, 0, 0, 0.
        #expect(Close.tensor(gradient, shape: [5], [1, -1, 0, 0, 0]))
    }

    // MARK: - Regression

    @Test func meanSquaredErrorAndL1() {
        let predicted = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let expected = Tensor(shape: [1, 3], scalars: [1, 0, 6])
        #expect(
            meanSquaredError(predicted: predicted, expected: expected, reduction: .none).scalars
                == [0, 4, 9])
        #expect(
            meanSquaredError(predicted: predicted, expected: expected, reduction: .sum).scalar == 13
        )
        #expect(
            Close.scalars(
                [meanSquaredError(predicted: predicted, expected: expected).scalar], [13 / 3]))
        #expect(l1Loss(predicted: predicted, expected: expected, reduction: .sum).scalar == 5)
        #expect(Close.scalars([l1Loss(predicted: predicted, expected: expected).scalar], [5 / 3]))
        #expect(l1Loss(predicted: predicted, expected: expected, reduction: .none).shape == [1, 3])
    }

    @Test mutating func gaussianNegativeLogLikelihoodIsAProperDensity() {
        let unit = gaussianNegativeLogLikelihood(
            mean: Tensor([0]), logVariance: Tensor([0]), target: Tensor([1]), reduction: .sum)
        #expect(Close.scalars([unit.scalar], [Float(0.5 * (log(2 * Double.pi) + 1))]))
        let mean = Tensor(randomNormal: [3, 4], using: &generator)
        let logVariance = Tensor(randomNormal: [3, 4], using: &generator)
        let target = Tensor(randomNormal: [3, 4], using: &generator)
        let expected = (0..<12).map { index -> Float in
            let (m, s2, x) = (
                Double(mean.scalars[index]), exp(Double(logVariance.scalars[index])),
                Double(target.scalars[index])
            )
            return Float(
                -log(exp(-(x - m) * (x - m) / (2 * s2)) / (2 * Double.pi * s2).squareRoot()))
        }
        let loss = gaussianNegativeLogLikelihood(
            mean: mean, logVariance: logVariance, target: target, reduction: .none)
        #expect(Close.tensor(loss, shape: [3, 4], expected, tolerance: 1e-5))
    }

    // MARK: - Distributions

    @Test func crossEntropyOfIntegerLabels() {
        let logits = Tensor(shape: [3, 3], scalars: [1, 2, 3, 1, 1, 1, 1000, 0, -1000])
        let loss = crossEntropy(logits: logits, labels: [2, 0, 0], reduction: .none)
        let first = -(3 - log(exp(1.0) + exp(2.0) + exp(3.0)))
        #expect(
            Close.tensor(loss, shape: [3], [Float(first), Float(log(3.0)), 0], tolerance: 1e-5))
        #expect(
            Close.scalars(
                [crossEntropy(logits: logits, labels: [2, 0, 0]).scalar],
                [Float((first + log(3.0)) / 3)]))
        #expect(crossEntropy(logits: logits, labels: [2, 1, 2], reduction: .sum).scalar.isFinite)
    }

    @Test func klDivergenceFromStandardNormalPerSample() {
        let mean = Tensor(shape: [2, 2], scalars: [0, 0, 1, 2])
        let logVariance = Tensor(shape: [2, 2], scalars: [0, 0, Float(log(2.0)), 0])
        // Sample 2: −½ ((1 + log 2 − 1 − 2) + (1 + 0 − 4 − 1)) = 3 − ½ log 2.
        let expected = 3 - 0.5 * log(2.0)
        let perSample = klDivergenceFromStandardNormal(
            mean: mean, logVariance: logVariance, reduction: .none)
        #expect(Close.tensor(perSample, shape: [2], [0, Float(expected)]))
        #expect(
            Close.scalars(
                [klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance).scalar],
                [Float(expected / 2)]))
    }

    // MARK: - Gradients of the composites

    @Test mutating func compositeLossesHaveCorrectGradients() {
        let x = Tensor(randomNormal: [3, 4], using: &generator)
        let z = Tensor(randomNormal: [3, 4], using: &generator)
        let y = Tensor(randomUniform: [3, 4], using: &generator)
        let p = Tensor(randomUniform: [3, 4], lowerBound: 0.2, upperBound: 0.8, using: &generator)
        // Central differences in Float32 with step 1e-2: errors stay below 1e-2.
        let tolerance: Float = 1e-2
        #expect(
            GradientCheck.maximumError(at: [x]) { binaryCrossEntropy(logits: $0[0], labels: y) }
                < tolerance)
        #expect(
            GradientCheck.maximumError(at: [p], step: 1e-3) {
                binaryCrossEntropy(probabilities: $0[0], labels: y, reduction: .sum)
            } < tolerance)
        #expect(
            GradientCheck.maximumError(at: [x, z]) {
                gaussianNegativeLogLikelihood(
                    mean: $0[0], logVariance: $0[1], target: y, reduction: .none)
            } < tolerance)
        #expect(
            GradientCheck.maximumError(at: [x]) {
                crossEntropy(logits: $0[0], labels: [3, 0, 1], reduction: .none)
            } < tolerance)
        #expect(
            GradientCheck.maximumError(at: [x, z]) {
                klDivergenceFromStandardNormal(mean: $0[0], logVariance: $0[1], reduction: .sum)
            } < tolerance)
        #expect(
            GradientCheck.maximumError(at: [x, z]) {
                meanSquaredError(predicted: $0[0], expected: $0[1])
                    + l1Loss(predicted: $0[0], expected: $0[1])
            } < tolerance)
    }

    @Test mutating func binaryCrossEntropyOfLogitsDifferentiatesTwice() {
        // A gradient penalty on a logistic critic, as WGAN-GP or R1 would take it.
        let x = Tensor(randomNormal: [4, 3], using: &generator)
        let w = Tensor(randomNormal: [3, 1], using: &generator)
        let labels = Tensor(shape: [4, 1], scalars: [1, 0, 1, 0])
        let error = GradientCheck.maximumSecondOrderError(parameters: [w]) { weights in
            let input = x.requiringGradient()
            let loss = binaryCrossEntropy(logits: input.matmul(weights[0]), labels: labels)
            let gradient = loss.gradients(withRespectTo: [input], createsGraph: true)[0]
            return gradient.squared().sum()
        }
        // Central differences in Float32, step 1e-2: agreement within 1e-2.
        #expect(error < 1e-2)
    }
}
