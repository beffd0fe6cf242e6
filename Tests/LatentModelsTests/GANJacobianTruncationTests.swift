import Foundation
import LatentData
import LatentNN
import LatentTensor
import Testing

@testable import LatentModels

@Suite("Jacobian-based truncation")
struct GANJacobianTruncationTests {
    /// A tiny 2-D generator (MLP, no BatchNorm, so rows are independent).
    private func tinyModel(_ kind: AdversarialKind = .gan) -> AdversarialNetwork {
        let (configuration, _, _) = tinyAdversarial(kind)
        var random = SplitMix64(seed: 11)
        return AdversarialNetwork(configuration, using: &random)
    }

    /// The estimate against the exact Frobenius norm of ∂G/∂z, row by row from reverse-mode
    /// gradients of each output coordinate: within 5% with enough directions.
    @Test func normsMatchTheExactJacobian() {
        let model = tinyModel()
        var random = SplitMix64(seed: 12)
        let input = model.generatorInput(count: 6, using: &random).input
        let estimated = model.noiseJacobianNorms(input: input, projections: 4000, step: 1e-3, using: &random)
        model.generator.eval()
        let z = input.requiringGradient()
        let output = model.generator(z)
        var squares = [Float](repeating: 0, count: 6)
        for coordinate in 0..<output.shape[1] {
            let gradient = output.sliced(coordinate..<(coordinate + 1), alongAxis: 1).sum()
                .gradients(withRespectTo: [z])[0].scalars
            let width = z.shape[1]
            for row in 0..<6 {
                squares[row] += gradient[(row * width)..<((row + 1) * width)].reduce(0) { $0 + $1 * $1 }
            }
        }
        for row in 0..<6 {
            let exact = squares[row].squareRoot()
            #expect(exact > 0)
            #expect(abs(estimated[row] - exact) <= 0.05 * exact, "row \(row): estimated \(estimated[row]), exact \(exact)")
        }
    }

    /// Only the noise moves: a conditional model's label columns are held fixed, so a generator
    /// that ignored its noise would have norm 0 whatever the labels do.
    @Test func labelsAndCodesAreHeldFixed() {
        let model = tinyModel(.cgan)
        let noise = model.configuration.noiseDimension
        // Zero the first layer's weights on the noise columns: G now depends on the label alone.
        let first = model.generator.parameters[0]
        let inputs = first.value.shape[1]
        first.updateInPlace { buffer in
            for row in 0..<first.value.shape[0] { for column in 0..<noise { buffer[row * inputs + column] = 0 } }
        }
        var random = SplitMix64(seed: 13)
        let input = model.generatorInput(count: 9, codes: GeneratorCodes(labels: (0..<9).map { $0 % 3 }), using: &random).input
        #expect(model.noiseJacobianNorms(input: input, projections: 4, using: &random).allSatisfy { $0 == 0 })
    }

    /// Truncation keeps, of ⌈count / keep⌉ candidates, the count with the smallest norms, in
    /// the order drawn: the same as drawing and ranking by hand from the same random stream.
    @Test func keepsTheDrawsWithTheSmallestNorms() {
        let model = tinyModel()
        var random = SplitMix64(seed: 14)
        let truncated = model.truncatedInput(count: 20, keep: 0.4, projections: 8, using: &random)
        var replay = SplitMix64(seed: 14)
        let candidates = model.generatorInput(count: 50, using: &replay).input
        let norms = model.noiseJacobianNorms(input: candidates, projections: 8, using: &replay)
        let kept = (0..<50).sorted { norms[$0] < norms[$1] }.prefix(20).sorted()
        #expect(truncated.scalars == candidates.gathered(indices: Array(kept), alongAxis: 0).scalars)
        let threshold = kept.map { norms[$0] }.max()!
        #expect(Set(0..<50).subtracting(kept).allSatisfy { norms[$0] >= threshold })
        var plain = SplitMix64(seed: 14), again = SplitMix64(seed: 14)
        #expect(model.truncatedInput(count: 5, keep: 1, using: &plain).scalars
            == model.generatorInput(count: 5, using: &again).input.scalars)
    }

    /// A conditional model's truncated inputs carry the labels asked for, row by row, each label
    /// truncated among candidates of its own; samples come out in the data's shape.
    @Test func conditionalRowsKeepTheirLabels() {
        let model = tinyModel(.cgan)
        let labels = [2, 0, 1, 1, 2, 0, 0, 2]
        var random = SplitMix64(seed: 15)
        let input = model.truncatedInput(count: 8, codes: GeneratorCodes(labels: labels), keep: 0.5, using: &random)
        let noise = model.configuration.noiseDimension
        #expect(input.sliced(noise..<(noise + 3), alongAxis: 1).scalars == oneHot(labels, classes: 3).scalars)
        var again = SplitMix64(seed: 15)
        let samples = model.sample(count: 8, labels: labels, jacobianKeep: 0.5, using: &again)
        #expect(samples.shape == [8, 2])
        #expect(samples.scalars == model.sample(input: input).scalars)
    }
}
