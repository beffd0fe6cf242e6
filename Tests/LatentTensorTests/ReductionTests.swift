import LatentTensor
import TestSupport
import Testing

/// The reductions along axes.
enum Reduction: String, CaseIterable, Sendable {
    case sum, mean, variance, max, min, logSumExp

    func apply(_ x: Tensor, axes: [Int], keepingDimensions: Bool) -> Tensor {
        switch self {
        case .sum: x.sum(alongAxes: axes, keepingDimensions: keepingDimensions)
        case .mean: x.mean(alongAxes: axes, keepingDimensions: keepingDimensions)
        case .variance: x.variance(alongAxes: axes, keepingDimensions: keepingDimensions)
        case .logSumExp: x.logSumExp(alongAxes: axes, keepingDimensions: keepingDimensions)
        // max and min reduce one axis at a time.
        case .max:
            axes.reduce(x) { $0.max(alongAxis: $1, keepingDimensions: true) }
                .reshaped(to: Reduction.reducedShape(x.shape, axes, keepingDimensions))
        case .min:
            axes.reduce(x) { $0.min(alongAxis: $1, keepingDimensions: true) }
                .reshaped(to: Reduction.reducedShape(x.shape, axes, keepingDimensions))
        }
    }

    static func reducedShape(_ shape: [Int], _ axes: [Int], _ keepingDimensions: Bool) -> [Int] {
        let normalized = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
        return shape.indices.compactMap { axis in
            normalized.contains(axis) ? (keepingDimensions ? 1 : nil) : shape[axis]
        }
    }
}

@Suite("Reduction")
struct ReductionTests {
    var generator = SplitMix64(seed: 51)

    // Tolerance 1e-2: Float32 central differences with step 1e-2. Distinct inputs (0.25 apart)
    // keep max and min away from ties.
    @Test(arguments: Reduction.allCases, [[0], [1], [-1], [0, 2], [0, 1, 2]])
    mutating func gradientAlongAxes(reduction: Reduction, axes: [Int]) {
        let x = TestInputs.distinct([2, 3, 4], spacing: 0.25, using: &generator)
        for keepingDimensions in [false, true] {
            let result = reduction.apply(x, axes: axes, keepingDimensions: keepingDimensions)
            #expect(result.shape == Reduction.reducedShape([2, 3, 4], axes, keepingDimensions))
            let error = GradientCheck.maximumError(at: [x]) {
                reduction.apply($0[0], axes: axes, keepingDimensions: keepingDimensions)
            }
            #expect(
                error < 1e-2, "\(reduction) along \(axes), keeping dimensions: \(keepingDimensions)"
            )
        }
    }

    @Test mutating func gradientOfWholeTensorReductions() {
        let x = TestInputs.distinct([2, 1, 3, 2], using: &generator)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].sum() } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].mean() } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].max() } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0].min() } < 1e-2)
        let scalar = Tensor(1.5)
        #expect(GradientCheck.maximumError(at: [scalar]) { $0[0].sum() * $0[0].mean() } < 1e-2)
    }

    // MARK: - Forward values

    @Test func sumsAndMeans() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.sum().shape == [] && x.sum().scalar == 21)
        #expect(x.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(x.sum(alongAxis: -1).scalars == [6, 15])
        #expect(x.sum(alongAxis: 1, keepingDimensions: true).shape == [2, 1])
        #expect(x.mean().scalar == 3.5)
        #expect(x.mean(alongAxis: 0).scalars == [2.5, 3.5, 4.5])
        #expect(x.mean(alongAxes: [0, 1], keepingDimensions: true).shape == [1, 1])
        let cube = Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(cube.sum(alongAxes: [0, 2]).scalars == [14, 22])  // 1 + 2 + 5 + 6, 3 + 4 + 7 + 8
        #expect(cube.sum(alongAxis: 1).scalars == [4, 6, 12, 14])
    }

    /// Sums above the parallel threshold against Double references, along each axis.
    @Test mutating func largeSumsMatchDoubleReferences() {
        let shape = [6, 250, 100]
        let x = Tensor(randomUniform: shape, lowerBound: -1, upperBound: 1, using: &generator)
        let values = x.scalars.map(Double.init)
        var expected = [
            [Double](repeating: 0, count: 250 * 100), [Double](repeating: 0, count: 6 * 100),
            [Double](repeating: 0, count: 6 * 250),
        ]
        for i in 0..<6 {
            for j in 0..<250 {
                for k in 0..<100 {
                    let value = values[(i * 250 + j) * 100 + k]
                    expected[0][j * 100 + k] += value
                    expected[1][i * 100 + k] += value
                    expected[2][i * 250 + j] += value
                }
            }
        }
        for axis in 0..<3 {
            var reduced = shape
            reduced[axis] = 1
            let sum = x.sum(alongAxis: axis, keepingDimensions: true)
            #expect(
                Close.tensor(sum, shape: reduced, expected[axis].map(Float.init), tolerance: 1e-4))
        }
        #expect(Swift.abs(Double(x.sum().scalar) - values.reduce(0, +)) < 1e-2)
    }

    @Test func varianceIsBiased() {
        #expect(Close.tensor(Tensor([1, 2, 3, 4]).variance(alongAxis: 0), shape: [], [1.25]))
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 2, 4, 9])
        #expect(Close.tensor(x.variance(alongAxis: 1), shape: [2], [2.0 / 3, 26.0 / 3]))
        #expect(
            Close.tensor(
                x.variance(alongAxis: 0, keepingDimensions: true), shape: [1, 3], [0.25, 1, 9]))
    }

    @Test func extremaAndArgmax() {
        let x = Tensor(shape: [2, 3], scalars: [3, -1, 7, 0, 8, 8])
        #expect(x.max(alongAxis: 1).scalars == [7, 8])
        #expect(x.min(alongAxis: 1).scalars == [-1, 0])
        #expect(x.max(alongAxis: 0, keepingDimensions: true).scalars == [3, 8, 8])
        #expect(x.max(alongAxis: 0, keepingDimensions: true).shape == [1, 3])
        #expect(x.min().scalar == -1 && x.max().scalar == 8)
        #expect(x.argmax(alongAxis: 1) == [2, 1])
        #expect(x.argmax(alongAxis: 0) == [0, 1, 1])
        // Ties send the whole gradient to the first maximum.
        let tied = Tensor([1, 3, 3]).requiringGradient()
        #expect(tied.max().gradients(withRespectTo: [tied])[0].scalars == [0, 1, 0])
    }

    @Test func logSumExpUsesTheMaximumTrick() {
        let large = Tensor([1000, 1000]).logSumExp(alongAxis: 0)
        #expect(Close.tensor(large, shape: [], [1000.6931472], tolerance: 1e-6))
        let small = Tensor([-1000, -1000]).logSumExp(alongAxis: 0)
        #expect(Close.tensor(small, shape: [], [-999.3068528], tolerance: 1e-6))
        let rows = Tensor(shape: [2, 2], scalars: [0, 0, 1, 2]).logSumExp(
            alongAxis: 1, keepingDimensions: true)
        #expect(Close.tensor(rows, shape: [2, 1], [0.6931472, 2.3132617]))
        let empty = Tensor([-.infinity, -.infinity]).logSumExp(alongAxis: 0)
        #expect(empty.scalar == -.infinity)
    }

    @Test func summedToShapeUndoesBroadcasting() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.summed(toShape: [3]).scalars == [5, 7, 9])
        #expect(x.summed(toShape: [2, 1]).scalars == [6, 15])
        #expect(x.summed(toShape: []).scalar == 21)
        #expect(x.summed(toShape: [1, 1]).shape == [1, 1])
    }
}
