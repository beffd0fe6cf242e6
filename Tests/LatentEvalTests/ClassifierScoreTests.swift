import Foundation
import LatentModels
import LatentTensor
import Testing

@testable import LatentEval

@Suite("ClassifierScore")
struct ClassifierScoreTests {
    /// Equal logits everywhere: every p(y|x) is the marginal, the score is 1.
    @Test func uninformativePredictionsScoreOne() {
        #expect(abs(ClassifierScore.score(logits: Tensor(zeros: [20, 10])) - 1) < 1e-12)
    }

    /// Confident predictions spread evenly over C classes score C.
    @Test func confidentEvenPredictionsScoreTheClassCount() {
        let classes = 10
        let logits = Tensor(shape: [30, classes]) { buffer in
            for index in 0..<buffer.count {
                buffer[index] = index % classes == (index / classes) % classes ? 50 : 0
            }
        }
        #expect(abs(ClassifierScore.score(logits: logits) - Double(classes)) < 1e-6)
    }

    /// Two images with p(y|x) = (0.9, 0.1) and (0.1, 0.9): the marginal is uniform and
    /// KL = 0.9 log 1.8 + 0.1 log 0.2 for each.
    @Test func twoClassExampleMatchesTheFormula() {
        let logit = Float(log(9.0))
        let logits = Tensor(shape: [2, 2], scalars: [logit, 0, 0, logit])
        let expected = exp(0.9 * log(1.8) + 0.1 * log(0.2))
        #expect(abs(ClassifierScore.score(logits: logits) - expected) < 1e-6)
    }

    /// On random logits the decomposition's entropies give the score computed the long way,
    /// exp(mean KL(p(y|x) ‖ p(y))), and the class frequencies are the mean p(y|x).
    @Test func decompositionMatchesTheMeanKL() {
        var generator = SplitMix64(seed: 23)
        let (count, classes) = (50, 4)
        let logits = Tensor(randomNormal: [count, classes], using: &generator) * 2
        let scalars = logits.scalars
        var rows: [[Double]] = []
        for row in 0..<count {
            let exponentials: [Double] = (0..<classes).map { exp(Double(scalars[row * classes + $0])) }
            let total: Double = exponentials.reduce(0, +)
            rows.append(exponentials.map { $0 / total })
        }
        var marginal = [Double](repeating: 0, count: classes)
        for p in rows {
            for column in 0..<classes { marginal[column] += p[column] / Double(count) }
        }
        var meanKL = 0.0
        for p in rows {
            for column in 0..<classes { meanKL += p[column] * log(p[column] / marginal[column]) / Double(count) }
        }
        let decomposition = ClassifierScore.decompose(logits: logits)
        #expect(abs(decomposition.score - exp(meanKL)) < 1e-9)
        #expect(zip(decomposition.classFrequencies, marginal).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(decomposition.classFrequencies.reduce(0, +) - 1) < 1e-12)
        #expect(decomposition.classEntropy <= log(Double(classes)) + 1e-12)
        #expect(decomposition.conditionalEntropy > 0)
    }

    /// Confident predictions all of one class: class entropy 0, conditional entropy ≈ 0.
    @Test func collapsedConfidentPredictionsHaveNoEntropy() {
        let logits = Tensor(shape: [8, 3], scalars: Array(repeating: [60, 0, 0] as [Float], count: 8).flatMap { $0 })
        let decomposition = ClassifierScore.decompose(logits: logits)
        #expect(abs(decomposition.classEntropy) < 1e-12)
        #expect(abs(decomposition.conditionalEntropy) < 1e-12)
        #expect(abs(decomposition.score - 1) < 1e-12)
        #expect(abs(decomposition.classFrequencies[0] - 1) < 1e-12)
    }
}

@Suite("LabelAccuracy")
struct LabelAccuracyTests {
    var generator = SplitMix64(seed: 21)

    @Test func countsMatchingLabels() {
        #expect(LabelAccuracy.accuracy(predicted: [0, 1, 2, 3], intended: [0, 1, 1, 3]) == 0.75)
    }

    /// A classifier's own predictions are 100% accurate labels for the same images.
    @Test mutating func classifierAgreesWithItsOwnPredictions() {
        let classifier = tinyClassifier(using: &generator)
        let images = Tensor(randomUniform: [12, 1, 2, 2], using: &generator)
        let intended = classifier.predictions(images)
        #expect(LabelAccuracy.accuracy(of: images, intended: intended, classifier: classifier) == 1)
    }
}

@Suite("ClassifierFeatures")
struct ClassifierFeaturesTests {
    var generator = SplitMix64(seed: 22)

    /// Batched features and logits equal one evaluation-mode pass over all images.
    @Test mutating func batchesMatchOnePass() {
        let classifier = tinyClassifier(using: &generator)
        let images = Tensor(randomUniform: [7, 1, 2, 2], using: &generator)
        let (features, logits) = ClassifierFeatures.extract(classifier, from: images, batchSize: 3)
        classifier.eval()
        let expectedFeatures = classifier.features(images)
        #expect(features.shape == [7, 4] && logits.shape == [7, 3])
        #expect(zip(features.scalars, expectedFeatures.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(logits.scalars, classifier(images).scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(!logits.requiresGradient)
    }
}

/// An MLP classifier on 2 × 2 images: 4 features, 3 classes.
func tinyClassifier(using generator: inout some RandomNumberGenerator) -> Classifier {
    var configuration = ClassifierConfiguration()
    configuration.architecture = .mlp
    configuration.imageShape = [1, 2, 2]
    configuration.classCount = 3
    configuration.featureCount = 4
    return Classifier(configuration, using: &generator)
}
