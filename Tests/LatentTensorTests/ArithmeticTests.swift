import LatentTensor
import TestSupport
import Testing

/// Operand shapes covering equal shapes, trailing-axis broadcasting, both sides broadcasting,
/// rank-0 operands and ranks 3 and 4.
private let broadcastPairs: [([Int], [Int])] = [
    ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([], [2, 3]), ([2, 3], []),
    ([2, 1, 3], [4, 1]), ([2, 3, 1, 2], [3, 4, 1]),
]

@Suite("Arithmetic")
struct ArithmeticTests {
    var generator = SplitMix64(seed: 21)

    // MARK: - Gradients (tolerance 1e-2: Float32 central differences with step 1e-2)

    @Test(arguments: broadcastPairs)
    mutating func addSubtractMultiplyGradients(lhs: [Int], rhs: [Int]) {
        let a = Tensor(randomNormal: lhs, using: &generator)
        let b = Tensor(randomNormal: rhs, using: &generator)
        #expect(GradientCheck.maximumError(at: [a, b]) { $0[0] + $0[1] } < 1e-2)
        #expect(GradientCheck.maximumError(at: [a, b]) { $0[0] - $0[1] } < 1e-2)
        #expect(GradientCheck.maximumError(at: [a, b]) { $0[0] * $0[1] } < 1e-2)
    }

    @Test(arguments: broadcastPairs)
    mutating func addingProductGradients(lhs: [Int], rhs: [Int]) {
        // Equal shapes take the one-pass kernel, the others the broadcasting ops.
        let a = Tensor(randomNormal: lhs, using: &generator)
        let b = Tensor(randomNormal: rhs, using: &generator)
        let c = Tensor(randomNormal: lhs, using: &generator)
        #expect(GradientCheck.maximumError(at: [a, b, c]) { $0[2].addingProduct($0[0], $0[1]) } < 1e-2)
        // The pullback is differentiable again: the gradient's squared norm, differentiated.
        #expect(GradientCheck.maximumSecondOrderError(parameters: [a, b, c]) { x in
            let output = x[2].addingProduct(x[0], x[1]).squared().sum()
            let gradients = output.gradients(withRespectTo: x, createsGraph: true)
            return gradients.map { $0.squared().sum() }.reduce(Tensor(0), +)
        } < 2e-2)
        let value = c.addingProduct(a, b)
        #expect(value.shape == (c + a * b).shape)
        #expect(value.scalars == (c + a * b).scalars)
    }

    @Test(arguments: broadcastPairs)
    mutating func divideGradient(lhs: [Int], rhs: [Int]) {
        let a = Tensor(randomNormal: lhs, using: &generator)
        let b = TestInputs.awayFromZero(rhs, low: 0.5, high: 2, using: &generator)
        #expect(GradientCheck.maximumError(at: [a, b]) { $0[0] / $0[1] } < 1e-2)
    }

    @Test mutating func scalarOperandsAndNegationGradients() {
        let x = TestInputs.awayFromZero([2, 3], low: 0.5, high: 2, using: &generator)
        #expect(GradientCheck.maximumError(at: [x]) { -$0[0] } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { 2 - $0[0] * 3 + 1 } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { $0[0] / 4 - 0.5 } < 1e-2)
        #expect(GradientCheck.maximumError(at: [x]) { 1.5 / $0[0] } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [x]) {
                var y = $0[0]
                y += $0[0]
                y *= $0[0]
                y -= $0[0]
                return y
            } < 1e-2)
    }

    @Test(arguments: broadcastPairs)
    mutating func powerWithTensorExponentGradient(lhs: [Int], rhs: [Int]) {
        let base = Tensor(randomUniform: lhs, lowerBound: 0.5, upperBound: 2, using: &generator)
        let exponent = Tensor(randomUniform: rhs, lowerBound: -2, upperBound: 3, using: &generator)
        #expect(GradientCheck.maximumError(at: [base, exponent]) { $0[0].pow($0[1]) } < 1e-2)
    }

    @Test(arguments: [2, 3, 0.5, -1.5] as [Float])
    mutating func powerWithScalarExponentGradient(exponent: Float) {
        let base = Tensor(
            randomUniform: [2, 1, 3], lowerBound: 0.5, upperBound: 2, using: &generator)
        #expect(GradientCheck.maximumError(at: [base]) { $0[0].pow(exponent) } < 1e-2)
    }

    @Test(arguments: broadcastPairs)
    mutating func maximumAndMinimumGradients(lhs: [Int], rhs: [Int]) {
        // The two operands come from interleaved grids, so no pair is closer than 0.125.
        let a = TestInputs.distinct(lhs, using: &generator)
        let b = TestInputs.distinct(rhs, offset: 0.125, using: &generator)
        #expect(GradientCheck.maximumError(at: [a, b]) { $0[0].maximum($0[1]) } < 1e-2)
        #expect(GradientCheck.maximumError(at: [a, b]) { $0[0].minimum($0[1]) } < 1e-2)
    }

    @Test(arguments: [
        ([3, 4], [3, 4], [4]), ([3, 1], [1, 4], []), ([], [2, 3], [2, 1]),
        ([2, 1, 3, 1], [3, 1, 2], [1]),
    ])
    mutating func whereGradient(condition: [Int], lhs: [Int], rhs: [Int]) {
        let mask = Tensor(randomBernoulli: condition, probability: 0.5, using: &generator)
        let a = Tensor(randomNormal: lhs, using: &generator)
        let b = Tensor(randomNormal: rhs, using: &generator)
        #expect(GradientCheck.maximumError(at: [a, b]) { Tensor.where(mask, $0[0], $0[1]) } < 1e-2)
        #expect(
            GradientCheck.maximumError(at: [a, b]) { $0[0].replacing(with: $0[1], where: mask) }
                < 1e-2)
    }

    // MARK: - Forward values

    @Test func broadcastingResults() {
        let matrix = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect((matrix + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((Tensor([10, 20, 30]) - matrix).scalars == [9, 18, 27, 6, 15, 24])
        let column = Tensor(shape: [2, 1], scalars: [2, 3])
        #expect((matrix * column).scalars == [2, 4, 6, 12, 15, 18])
        let outer = column * Tensor(shape: [1, 3], scalars: [1, 10, 100])
        #expect(outer.shape == [2, 3] && outer.scalars == [2, 20, 200, 3, 30, 300])
        #expect((matrix / Tensor(2)).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect((12 / matrix).scalars == [12, 6, 4, 3, 2.4, 2])
        #expect((-matrix + 1).scalars == [0, -1, -2, -3, -4, -5])
        let scalar = Tensor(2) * Tensor(3)
        #expect(scalar.shape == [] && scalar.scalar == 6)
        let rank3 =
            Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
            + Tensor(shape: [3, 1], scalars: [0, 10, 20])
        #expect(rank3.shape == [2, 3, 2])
        #expect(rank3.scalars == [1, 2, 11, 12, 21, 22, 3, 4, 13, 14, 23, 24])
    }

    /// `a + b` and `a * b` against index arithmetic, for random broadcast-compatible shapes.
    @Test mutating func broadcastingMatchesIndexArithmetic() {
        for _ in 0..<40 {
            let rank = Int.random(in: 0...4, using: &generator)
            let output = TestInputs.shape(rank: rank, using: &generator)
            // Each operand drops some leading axes and sets some others to 1.
            func operandShape() -> [Int] {
                let dropped = Int.random(in: 0...rank, using: &generator)
                return output.dropFirst(dropped).map { Bool.random(using: &generator) ? 1 : $0 }
            }
            let lhsShape = operandShape()
            let rhsShape = operandShape()
            let a = Tensor(randomNormal: lhsShape, using: &generator)
            let b = Tensor(randomNormal: rhsShape, using: &generator)
            let resultShape = Shape.broadcast(lhsShape, rhsShape)
            let (aScalars, bScalars) = (a.scalars, b.scalars)
            func element(_ scalars: [Float], _ shape: [Int], at coordinate: [Int]) -> Float {
                let local = Array(coordinate.suffix(shape.count))
                return scalars[Index.offset(zip(local, shape).map { $1 == 1 ? 0 : $0 }, in: shape)]
            }
            let coordinates = (0..<resultShape.elementCount).map {
                Index.coordinate($0, in: resultShape)
            }
            let sum = coordinates.map {
                element(aScalars, lhsShape, at: $0) + element(bScalars, rhsShape, at: $0)
            }
            let product = coordinates.map {
                element(aScalars, lhsShape, at: $0) * element(bScalars, rhsShape, at: $0)
            }
            #expect(
                (a + b).shape == resultShape && (a + b).scalars == sum, "\(lhsShape) + \(rhsShape)")
            #expect((a * b).scalars == product, "\(lhsShape) * \(rhsShape)")
        }
    }

    /// Tensors above the parallel threshold (2¹⁷ scalars) split their loops across threads.
    @Test mutating func largeBroadcastsMatchSmallOnes() {
        let a = Tensor(randomNormal: [300, 500], using: &generator)
        let row = Tensor(randomNormal: [500], using: &generator)
        let column = Tensor(randomNormal: [300, 1], using: &generator)
        let result = (a + row) * column - 2
        let (x, y, z) = (a.scalars, row.scalars, column.scalars)
        let expected = (0..<150_000).map { index -> Float in
            (x[index] + y[index % 500]) * z[index / 500] - 2
        }
        #expect(result.scalars == expected)
        #expect((a * a).scalars == x.map { $0 * $0 })
        #expect(a.sigmoid().shape == [300, 500])
    }

    @Test func powerMaximumMinimumAndWhereValues() {
        let x = Tensor([1, 2, 3])
        #expect(x.pow(2).scalars == [1, 4, 9])
        #expect(
            Close.tensor(
                x.pow(Tensor([2, 0.5, -1])), shape: [3], [1, Float(2).squareRoot(), 1.0 / 3]))
        #expect(x.maximum(Tensor(2)).scalars == [2, 2, 3])
        #expect(x.minimum(Tensor(shape: [2, 1], scalars: [0, 2])).scalars == [0, 0, 0, 1, 2, 2])
        let chosen = Tensor.where(Tensor([1, 0, 1]), x, Tensor(-1))
        #expect(chosen.scalars == [1, -1, 3])
        let broadcastMask = Tensor.where(Tensor(shape: [2, 1], scalars: [0, 1]), x, -x)
        #expect(broadcastMask.scalars == [-1, -2, -3, 1, 2, 3])
    }

    @Test func comparisonsGiveOnesAndZerosWithoutGradient() {
        let x = Tensor([1, 2, 3]).requiringGradient()
        let y = Tensor([3, 2, 1])
        #expect((x .> y).scalars == [0, 0, 1])
        #expect((x .< y).scalars == [1, 0, 0])
        #expect((x .>= y).scalars == [0, 1, 1])
        #expect((x .<= y).scalars == [1, 1, 0])
        #expect((x .== y).scalars == [0, 1, 0])
        #expect((x .!= y).scalars == [1, 0, 1])
        #expect((x .> 1.5).scalars == [0, 1, 1])
        #expect((x .== Tensor(shape: [2, 1], scalars: [1, 3])).scalars == [1, 0, 0, 0, 0, 1])
        #expect(!(x .> y).requiresGradient)
    }

    @Test func maximumGivesTiesToSelf() {
        let x = Tensor([1, 2]).requiringGradient()
        let y = Tensor([1, 1]).requiringGradient()
        let gradients = x.maximum(y).sum().gradients(withRespectTo: [x, y])
        #expect(gradients[0].scalars == [1, 1] && gradients[1].scalars == [0, 0])
    }
}
