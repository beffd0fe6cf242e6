import LatentNN
import LatentTensor

/// Jacobian-based truncation (Tanielian et al. 2020, "Learning disconnected manifolds: a no
/// GAN's land"): a generator maps one connected noise space onto data whose classes lie apart,
/// so it must stretch the noise between them, and the samples drawn there fall between two
/// classes. Its Jacobian is largest exactly there; dropping the noise draws where it is largest
/// drops those samples. No labels or classifier are involved.
extension AdversarialNetwork {
    /// The Frobenius norm of the sampling generator's Jacobian with respect to the noise, one
    /// per row of `input` (`[count, generatorInputSize]`).
    ///
    /// ‖J‖²_F = E_v ‖J v‖² for v ~ N(0, I) over the noise coordinates; each ‖J v‖ is taken by
    /// a finite difference of `step` along v, averaged over `projections` directions. Labels and
    /// codes are held fixed. Evaluated in batches of 1,000 without gradients, in evaluation mode.
    public func noiseJacobianNorms(
        input: Tensor, projections: Int = 16, step: Float = 1e-2,
        using random: inout some RandomNumberGenerator
    ) -> [Float] {
        precondition(projections > 0 && step > 0, "noiseJacobianNorms: projections and step must be positive")
        precondition(input.rank == 2 && input.shape[1] == configuration.generatorInputSize,
                     "noiseJacobianNorms: input \(input.shape) is not [count, \(configuration.generatorInputSize)]")
        guard input.shape[0] > 0 else { return [] }
        let noise = configuration.noiseDimension, width = input.shape[1]
        return withSamplingGenerator { network in
            Self.samplingBatches(of: input).flatMap { batch -> [Float] in
                let rows = batch.shape[0]
                let base = network(batch).reshaped(to: [rows, -1])
                var squares = [Float](repeating: 0, count: rows)
                for _ in 0..<projections {
                    var direction = Tensor(randomNormal: [rows, noise], using: &random) * step
                    if width > noise {
                        direction = Tensor.concatenate([direction, Tensor(zeros: [rows, width - noise])], alongAxis: 1)
                    }
                    let moved = network(batch + direction).reshaped(to: [rows, -1])
                    let change = ((moved - base) * (1 / step)).squared().sum(alongAxis: 1).scalars
                    for row in 0..<rows { squares[row] += change[row] }
                }
                return squares.map { ($0 / Float(projections)).squareRoot() }
            }
        }
    }

    /// Generator inputs for `count` samples after Jacobian-based truncation: for each group of
    /// m requested rows that share their label and category, ⌈m / keep⌉ candidates are drawn and
    /// the m with the smallest ``noiseJacobianNorms(input:projections:step:using:)`` are kept, in
    /// the order drawn. `keep` = 1 draws the inputs plainly.
    ///
    /// InfoGAN's categories, when not given, are drawn for the requested rows first (uniformly,
    /// as ``generatorInput(count:codes:temperature:using:)`` draws them) and then held fixed, so
    /// truncation leaves the category mix alone.
    ///
    /// - Parameters:
    ///   - count: how many inputs.
    ///   - codes: labels (required for a conditional model) and categories, as for
    ///     ``generatorInput(count:codes:temperature:using:)``; fixed continuous codes are not
    ///     supported (a traversal holds the noise fixed).
    ///   - temperature: the scale of the noise.
    ///   - keep: the fraction of candidates kept, in (0, 1].
    ///   - projections: the directions per Jacobian norm.
    ///   - random: the source of the candidates and directions.
    public func truncatedInput(
        count: Int, codes: GeneratorCodes = GeneratorCodes(), temperature: Float = 1, keep: Float,
        projections: Int = 16, using random: inout some RandomNumberGenerator
    ) -> Tensor {
        precondition(keep > 0 && keep <= 1, "truncatedInput: keep must be in (0, 1], got \(keep)")
        precondition(codes.continuous == nil, "truncatedInput: fixed continuous codes are not supported")
        precondition(codes.labels.map { $0.count == count } ?? true,
                     "truncatedInput: \(codes.labels?.count ?? 0) labels for \(count) samples")
        precondition(codes.categories.map { $0.count == count } ?? true,
                     "truncatedInput: \(codes.categories?.count ?? 0) categories for \(count) samples")
        guard keep < 1, count > 0 else {
            return generatorInput(count: count, codes: codes, temperature: temperature, using: &random).input
        }
        let labels = configuration.isConditional ? codes.labels : nil
        var categories = configuration.categoricalCode > 0 ? codes.categories : nil
        if configuration.categoricalCode > 0 && categories == nil {
            categories = (0..<count).map { _ in Int(random.next() % UInt64(configuration.categoricalCode)) }
        }
        // Rows sharing a label and a category form one group, in order of first appearance.
        var groups: [CodeGroup: [Int]] = [:], order: [CodeGroup] = []
        for row in 0..<count {
            let key = CodeGroup(label: labels?[row], category: categories?[row])
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        // Every group's candidates, drawn in group order, then ranked in one pass.
        var drawn: [Tensor] = [], spans: [Range<Int>] = []
        for key in order {
            let wanted = groups[key]!.count
            // The fraction is a Float: 0.7 is 0.69999998, which must not round 700 / 0.7 up to 1,001.
            let candidates = max(wanted, Int((Double(wanted) / Double(keep) - 1e-6).rounded(.up)))
            drawn.append(generatorInput(
                count: candidates,
                codes: GeneratorCodes(labels: key.label.map { Array(repeating: $0, count: candidates) },
                                      categories: key.category.map { Array(repeating: $0, count: candidates) }),
                temperature: temperature, using: &random
            ).input)
            let start = spans.last?.upperBound ?? 0
            spans.append(start..<(start + candidates))
        }
        let all = drawn.count == 1 ? drawn[0] : Tensor.concatenate(drawn, alongAxis: 0)
        let norms = noiseJacobianNorms(input: all, projections: projections, using: &random)
        var chosen = [Int](repeating: 0, count: count)
        for (key, span) in zip(order, spans) {
            let targets = groups[key]!
            let kept = span.sorted { (norms[$0], $0) < (norms[$1], $1) }.prefix(targets.count).sorted()
            for (target, candidate) in zip(targets, kept) { chosen[target] = candidate }
        }
        return all.gathered(indices: chosen, alongAxis: 0)
    }
}

/// The fixed codes a group of truncated rows shares.
private struct CodeGroup: Hashable {
    var label: Int?
    var category: Int?
}
