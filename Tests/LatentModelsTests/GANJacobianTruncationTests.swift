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

    /// The exact Frobenius norm of ∂G/∂z for `network` in evaluation mode, row by row, from
    /// reverse-mode gradients of each output coordinate (rows are independent in eval mode).
    private func exactNorms(_ network: Generator, _ input: Tensor) -> [Float] {
        network.eval()
        let z = input.requiringGradient()
        let output = network(z).reshaped(to: [input.shape[0], -1])
        let rows = input.shape[0], width = input.shape[1]
        var squares = [Float](repeating: 0, count: rows)
        for coordinate in 0..<output.shape[1] {
            let gradient = output.sliced(coordinate..<(coordinate + 1), alongAxis: 1).sum()
                .gradients(withRespectTo: [z])[0].scalars
            for row in 0..<rows {
                squares[row] += gradient[(row * width)..<((row + 1) * width)].reduce(0) { $0 + $1 * $1 }
            }
        }
        return squares.map { $0.squareRoot() }
    }

    /// The estimate against the exact norm, within 5% with enough directions; it is the
    /// averaged generator's, which sampling uses, not the raw generator's (made to differ here).
    @Test func normsMatchTheExactJacobian() throws {
        let model = tinyModel()
        let average = try #require(model.generatorAverage)
        model.generator.parameters[0].updateInPlace { buffer in
            for index in buffer.indices { buffer[index] *= 3 }
        }
        var random = SplitMix64(seed: 12)
        let input = model.generatorInput(count: 6, using: &random).input
        let estimated = model.noiseJacobianNorms(input: input, projections: 4000, step: 1e-3, using: &random)
        let exact = exactNorms(average, input)
        let raw = exactNorms(model.generator, input)
        for row in 0..<6 {
            #expect(exact[row] > 0 && abs(raw[row] - exact[row]) > 0.2 * exact[row])
            #expect(abs(estimated[row] - exact[row]) <= 0.05 * exact[row],
                    "row \(row): estimated \(estimated[row]), exact \(exact[row])")
        }
    }

    /// A convolutional generator with BatchNorm: the norms use its running statistics (eval
    /// mode), match the exact Jacobian there, and the generator's training mode is restored.
    @Test func batchNormGeneratorsAreMeasuredInEvalMode() {
        let (configuration, _, _) = tinyAdversarial(.dcgan, images: true)
        var random = SplitMix64(seed: 16)
        let model = AdversarialNetwork(configuration, using: &random)
        let input = model.generatorInput(count: 3, using: &random).input
        // Running statistics far from a batch's own, so that batch statistics would show.
        for (_, buffer) in model.generator.namedBuffers where buffer.value.rank == 1 {
            buffer.value = Tensor(shape: buffer.value.shape, repeating: 0.5)
        }
        model.generator.train()
        let estimated = model.noiseJacobianNorms(input: input, projections: 2000, step: 1e-3, using: &random)
        let batchNorms = model.generator.layers.layers.compactMap { $0 as? BatchNorm }
        #expect(!batchNorms.isEmpty && batchNorms.allSatisfy { $0.isTraining })
        let exact = exactNorms(model.generator, input)
        for row in 0..<3 {
            #expect(abs(estimated[row] - exact[row]) <= 0.05 * exact[row],
                    "row \(row): estimated \(estimated[row]), exact \(exact[row])")
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

    /// A conditional model's rows are truncated among candidates with their own label: every
    /// group's candidates drawn in order of first appearance, ranked in one pass, the smallest
    /// kept per group, each row back in its place. Replayed by hand from the same stream.
    @Test func conditionalRowsAreTruncatedWithinTheirLabel() {
        let model = tinyModel(.cgan)
        let labels = [2, 0, 1, 1, 2, 0, 0, 2]
        var random = SplitMix64(seed: 15)
        let input = model.truncatedInput(count: 8, codes: GeneratorCodes(labels: labels), keep: 0.5, using: &random)

        var replay = SplitMix64(seed: 15)
        let groups: [(label: Int, rows: [Int])] = [(2, [0, 4, 7]), (0, [1, 5, 6]), (1, [2, 3])]
        let candidates = groups.map { group in
            model.generatorInput(count: group.rows.count * 2,
                                 codes: GeneratorCodes(labels: Array(repeating: group.label, count: group.rows.count * 2)),
                                 using: &replay).input
        }
        let all = Tensor.concatenate(candidates, alongAxis: 0)
        let norms = model.noiseJacobianNorms(input: all, projections: 16, using: &replay)
        var expected = [Int](repeating: 0, count: 8), start = 0
        for group in groups {
            let span = start..<(start + group.rows.count * 2)
            let kept = span.sorted { norms[$0] < norms[$1] }.prefix(group.rows.count).sorted()
            for (row, candidate) in zip(group.rows, kept) { expected[row] = candidate }
            start = span.upperBound
        }
        #expect(input.scalars == all.gathered(indices: expected, alongAxis: 0).scalars)
        let noise = model.configuration.noiseDimension
        #expect(input.sliced(noise..<(noise + 3), alongAxis: 1).scalars == oneHot(labels, classes: 3).scalars)

        var again = SplitMix64(seed: 15)
        let samples = model.sample(count: 8, labels: labels, jacobianKeep: 0.5, using: &again)
        #expect(samples.shape == [8, 2])
        #expect(samples.scalars == model.sample(input: input).scalars)
    }

    /// InfoGAN without given categories: they are drawn for the requested rows first, as plain
    /// sampling draws them, and held fixed, so truncation cannot skew the category mix.
    @Test func infoGANCategoriesAreDrawnBeforeTruncation() {
        let model = tinyModel(.infogan)
        let categoryCount = model.configuration.categoricalCode
        var random = SplitMix64(seed: 17)
        let input = model.truncatedInput(count: 40, keep: 0.5, using: &random)
        var replay = SplitMix64(seed: 17)
        let categories = (0..<40).map { _ in Int(replay.next() % UInt64(categoryCount)) }
        let noise = model.configuration.noiseDimension
        #expect(input.sliced(noise..<(noise + categoryCount), alongAxis: 1).scalars
            == oneHot(categories, classes: categoryCount).scalars)
        // No rows: an empty input, not a failure.
        var empty = SplitMix64(seed: 18)
        #expect(model.truncatedInput(count: 0, keep: 0.5, using: &empty).shape[0] == 0)
    }
}
