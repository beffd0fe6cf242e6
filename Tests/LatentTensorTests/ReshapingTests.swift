import LatentTensor
import TestSupport
import Testing

@Suite("Reshaping")
struct ReshapingTests {
    var generator = SplitMix64(seed: 61)

    // MARK: - Gradients (tolerance 1e-2: Float32 central differences with step 1e-2)

    @Test mutating func reshapeFlattenSqueezeUnsqueezeExpandGradients() {
        let x = Tensor(randomNormal: [2, 1, 3], using: &generator)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].reshaped(to: [3, -1]) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].flattened() } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].flattened(fromAxis: 0) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].squeezed(at: 1) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].squeezed() } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].unsqueezed(at: -1) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].expanded(to: [2, 4, 3]) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].expanded(to: [2, 2, 4, 3]) } < 1e-2)
    }

    @Test(arguments: [[1, 0], [0, 2, 1], [2, 0, 1], [1, 0, 2], [3, 1, 0, 2], [0, 1, 3, 2]])
    mutating func permuteGradient(axes: [Int]) {
        let shape = TestInputs.shape(rank: axes.count, using: &generator)
        let x = Tensor(randomNormal: shape, using: &generator)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].permuted(axes) } < 1e-2, "\(shape)")
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].transposed() } < 1e-2, "\(shape)")
    }

    @Test mutating func sliceWindowPadGradients() {
        let x = Tensor(randomNormal: [3, 4, 2], using: &generator)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].sliced(1..<3, alongAxis: 1) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].sliced(2..<3, alongAxis: -3) } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [x]) {
                $0[0].window(lower: [1, 0, 1], upper: [3, 3, 2])
            } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [x]) {
                $0[0].padded(before: [0, 1, 2], after: [1, 0, 1])
            } < 1e-2)
        let image = Tensor(randomNormal: [1, 2, 2, 3], using: &generator)
        #expect(GradientCheck.maximumError(at: [image]) { $0[0].padded(spatial: 1) } < 1e-2)
    }

    @Test mutating func gatherAndScatterGradients() {
        let x = Tensor(randomNormal: [4, 3], using: &generator)
        #expect(
            GradientCheck.maximumError(at: [x]) { $0[0].gathered(indices: [2, 0, 2, 3]) } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [x]) { $0[0].gathered(indices: [1, 1], alongAxis: 1) }
                < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [x]) {
                $0[0].scatteredAdding(indices: [1, 0, 1, 4], alongAxis: 0, size: 5)
            } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [x]) {
                $0[0].scatteredAdding(indices: [2, 2, 0], alongAxis: 1, size: 3)
            } < 1e-2)
    }

    @Test mutating func joinAndSplitGradients() {
        let a = Tensor(randomNormal: [2, 3], using: &generator)
        let b = Tensor(randomNormal: [2, 1], using: &generator)
        let c = Tensor(randomNormal: [2, 2], using: &generator)
        #expect(
            GradientCheck.maximumError(at: [a, b, c]) { Tensor.concatenate($0, alongAxis: 1) }
                < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [a, a]) { Tensor.concatenate($0, alongAxis: 0) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [a, a]) { Tensor.stack($0, alongAxis: 1) } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [a, a, a]) { Tensor.stack($0, alongAxis: -1) } < 1e-2)
        // Each piece weighted differently, so a mixed-up piece shows in the gradient.
        func weighted(_ pieces: [Tensor]) -> Tensor {
            Tensor.stack(pieces.enumerated().map { ($1 * Float($0 + 1)).sum() })
        }
        let x = Tensor(randomNormal: [5, 2], using: &generator)
        #expect(
            GradientCheck.maximumError(at: [x]) { weighted($0[0].split(sizes: [2, 0, 3])) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { weighted($0[0].chunked(into: 2)) } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [x]) { weighted($0[0].chunked(into: 2, alongAxis: 1)) }
                < 1e-2)
        // A piece that is not used gets a zero gradient.
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].chunked(into: 3)[1] } < 1e-2)
    }

    // MARK: - Forward values

    @Test func permuteOfRank4MatchesIndexArithmetic() {
        let shape = [2, 3, 4, 5]
        let x = Tensor(shape: shape, scalars: (0..<120).map(Float.init))
        for axes in [[2, 0, 3, 1], [3, 2, 1, 0], [0, 1, 3, 2], [1, 0, 2, 3]] {
            let result = x.permuted(axes)
            let newShape = axes.map { shape[$0] }
            #expect(result.shape == newShape)
            let expected = (0..<120).map { offset -> Float in
                let coordinate = Index.coordinate(offset, in: newShape)
                var source = [Int](repeating: 0, count: 4)
                for (axis, inputAxis) in axes.enumerated() { source[inputAxis] = coordinate[axis] }
                return Float(Index.offset(source, in: shape))
            }
            #expect(result.scalars == expected, "axes \(axes)")
        }
    }

    @Test func transposeAndReshapeValues() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.transposed().shape == [3, 2] && x.transposed().scalars == [1, 4, 2, 5, 3, 6])
        let batch = Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8]).transposed()
        #expect(batch.scalars == [1, 3, 2, 4, 5, 7, 6, 8])
        #expect(x.reshaped(to: [-1]).shape == [6] && x.reshaped(to: [3, -1]).shape == [3, 2])
        #expect(x.flattened(fromAxis: 2).shape == [2, 3, 1])
        #expect(x.unsqueezed(at: 0).shape == [1, 2, 3] && x.unsqueezed(at: -1).shape == [2, 3, 1])
        #expect(Tensor(zeros: [1, 2, 1]).squeezed().shape == [2])
        #expect(Tensor(zeros: [1, 2, 1]).squeezed(at: -1).shape == [1, 2])
        let expanded = Tensor(shape: [2, 1], scalars: [1, 2]).expanded(to: [2, 2, 3])
        #expect(expanded.scalars == [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
    }

    @Test func sliceWindowAndPadValues() {
        let x = Tensor(shape: [3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(x.sliced(1..<3, alongAxis: 0).scalars == [4, 5, 6, 7, 8, 9])
        #expect(x.sliced(0..<2, alongAxis: 1).scalars == [1, 2, 4, 5, 7, 8])
        #expect(x.sliced(1..<1, alongAxis: 1).shape == [3, 0])
        #expect(x.window(lower: [1, 1], upper: [3, 2]).scalars == [5, 8])
        let padded = Tensor(shape: [1, 2], scalars: [1, 2]).padded(before: [1, 0], after: [0, 2])
        #expect(padded.shape == [2, 4] && padded.scalars == [0, 0, 0, 0, 1, 2, 0, 0])
    }

    @Test func gatherScatterConcatenateStackSplitValues() {
        let x = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.gathered(indices: [2, 0, 2]).scalars == [5, 6, 1, 2, 5, 6])
        #expect(x.gathered(indices: [1], alongAxis: 1).scalars == [2, 4, 6])
        let scattered = x.scatteredAdding(indices: [1, 1, 0], alongAxis: 0, size: 3)
        #expect(scattered.scalars == [5, 6, 4, 6, 0, 0])
        let joined = Tensor.concatenate(
            [x, Tensor(shape: [3, 1], scalars: [7, 8, 9])], alongAxis: 1)
        #expect(joined.shape == [3, 3] && joined.scalars == [1, 2, 7, 3, 4, 8, 5, 6, 9])
        let stacked = Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], alongAxis: 1)
        #expect(stacked.shape == [2, 2] && stacked.scalars == [1, 3, 2, 4])
        let pieces = Tensor(rangeFrom: 0, to: 7).split(sizes: [3, 4])
        #expect(pieces.map(\.scalars) == [[0, 1, 2], [3, 4, 5, 6]])
        let chunks = Tensor(rangeFrom: 0, to: 7).chunked(into: 3)
        #expect(chunks.map(\.scalars) == [[0, 1, 2], [3, 4, 5], [6]])
    }
}
