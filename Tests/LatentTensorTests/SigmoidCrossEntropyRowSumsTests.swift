import LatentTensor
import TestSupport
import Testing

/// The fused row sums of the sigmoid cross-entropy against the unfused formula
/// `sigmoidCrossEntropy(labels: tiled).sum(alongAxis: 1)`, with the labels tiled by a copy.
@Suite("SigmoidCrossEntropyRowSums")
struct SigmoidCrossEntropyRowSumsTests {
    var generator = SplitMix64(seed: 53)

    static func unfused(_ logits: Tensor, _ labels: Tensor) -> Tensor {
        let tiles = logits.shape[0] / labels.shape[0]
        let tiled = labels.expanded(to: [tiles] + labels.shape).reshaped(to: logits.shape)
        return logits.sigmoidCrossEntropy(labels: tiled).sum(alongAxis: 1)
    }

    /// Binary and soft labels, logits up to ±30, row lengths with and without a tail of fewer
    /// than sixteen, and one past 1,024 (where the lane-wise products are folded into logarithms
    /// more than once). Tolerance: 2e-6 relative to the row's sum of |terms|, Float rounding.
    @Test(arguments: [(1, 1, 1), (4, 2, 17), (6, 3, 40), (2, 2, 784), (3, 1, 2100)])
    mutating func matchesTheUnfusedFormula(rows: Int, labelRows: Int, features: Int) {
        let logits = Tensor(randomNormal: [rows, features], standardDeviation: 8, using: &generator)
        for soft in [false, true] {
            let labels = soft
                ? Tensor(randomUniform: [labelRows, features], lowerBound: 0, upperBound: 1, using: &generator)
                : Tensor(randomBernoulli: [labelRows, features], probability: 0.3, using: &generator)
            let fused = logits.sigmoidCrossEntropyRowSums(labels: labels)
            let reference = Self.unfused(logits, labels)
            #expect(fused.shape == [rows])
            let scale = Self.unfused(logits.abs(), Tensor(zeros: labels.shape))
            for row in 0..<rows {
                let error = abs(fused.scalars[row] - reference.scalars[row])
                #expect(error <= 2e-6 * scale.scalars[row] + 1e-6, "row \(row), soft \(soft): \(fused.scalars[row]) vs \(reference.scalars[row])")
            }
        }
    }

    @Test func extremeLogitsStayExactAndNaNPropagates() {
        let logits = Tensor(shape: [2, 3], scalars: [-100, 0, 100, .nan, 1, 2])
        let labels = Tensor(shape: [1, 3], scalars: [1, 1, 0])
        let sums = logits.sigmoidCrossEntropyRowSums(labels: labels).scalars
        // Term by term: softplus(−100) + 100, softplus(0), softplus(100): 100 + log 2 + 100.
        #expect(abs(sums[0] - (200 + Float(0.693_147_18))) < 1e-4)
        #expect(sums[1].isNaN)
    }

    /// Gradients with respect to the logits and the (tiled) labels; tolerance 1e-2 for Float
    /// central differences with step 1e-2.
    @Test(arguments: [(1, 1, 3), (6, 2, 5), (4, 4, 19)])
    mutating func gradientMatchesFiniteDifferences(rows: Int, labelRows: Int, features: Int) {
        let logits = Tensor(randomNormal: [rows, features], standardDeviation: 2, using: &generator)
        let labels = Tensor(randomUniform: [labelRows, features], lowerBound: 0, upperBound: 1, using: &generator)
        let error = GradientCheck.maximumError(at: [logits, labels]) {
            $0[0].sigmoidCrossEntropyRowSums(labels: $0[1])
        }
        #expect(error < 1e-2)
    }

    /// The fused backward (no graph) and the recorded one agree with the unfused op's gradient.
    @Test mutating func recordedAndFusedPullbacksAgree() {
        let logits = Tensor(randomNormal: [6, 7], standardDeviation: 3, using: &generator).requiringGradient()
        let labels = Tensor(randomBernoulli: [3, 7], probability: 0.5, using: &generator)
        let weights = Tensor(randomUniform: [6], lowerBound: 0.5, upperBound: 1.5, using: &generator)
        let fused = (logits.sigmoidCrossEntropyRowSums(labels: labels) * weights).sum()
            .gradients(withRespectTo: [logits])[0]
        let recorded = (logits.sigmoidCrossEntropyRowSums(labels: labels) * weights).sum()
            .gradients(withRespectTo: [logits], createsGraph: true)[0]
        let reference = (Self.unfused(logits, labels) * weights).sum().gradients(withRespectTo: [logits])[0]
        #expect((fused - reference).abs().max().scalar < 1e-6)
        #expect((recorded - reference).abs().max().scalar < 1e-6)
    }

    /// Second order: the gradient of a penalty on the logits' gradient (tolerance 2e-2).
    @Test mutating func secondOrderGradient() {
        let labels = Tensor(randomUniform: [2, 3], lowerBound: 0, upperBound: 1, using: &generator)
        let logits = Tensor(randomNormal: [4, 3], using: &generator)
        let error = GradientCheck.maximumSecondOrderError(parameters: [logits]) { parameters in
            let x = parameters[0]
            let gradient = x.sigmoidCrossEntropyRowSums(labels: labels).sum()
                .gradients(withRespectTo: [x], createsGraph: true)[0]
            return gradient.squared().sum()
        }
        #expect(error < 2e-2)
    }
}
