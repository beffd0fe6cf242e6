@testable import LatentTensor
import TestSupport
import Testing

private let transposes: [(Bool, Bool)] = [
    (false, false), (true, false), (false, true), (true, true),
]

/// `op(a) · op(b)` for one `[rows, columns]` matrix pair, as a naive triple loop in Double.
private func naiveProduct(
    _ a: [Float], _ aShape: (Int, Int), _ b: [Float], _ bShape: (Int, Int),
    transposingA: Bool, transposingB: Bool
) -> [Float] {
    func element(_ x: [Float], _ shape: (Int, Int), _ transposed: Bool, _ row: Int, _ column: Int)
        -> Double
    {
        Double(transposed ? x[column * shape.1 + row] : x[row * shape.1 + column])
    }
    let m = transposingA ? aShape.1 : aShape.0
    let k = transposingA ? aShape.0 : aShape.1
    let n = transposingB ? bShape.0 : bShape.1
    var result: [Float] = []
    for row in 0..<m {
        for column in 0..<n {
            var sum = 0.0
            for inner in 0..<k {
                sum +=
                    element(a, aShape, transposingA, row, inner)
                    * element(b, bShape, transposingB, inner, column)
            }
            result.append(Float(sum))
        }
    }
    return result
}

@Suite("MatrixMultiply")
struct MatrixMultiplyTests {
    var generator = SplitMix64(seed: 71)

    // MARK: - Forward values

    @Test(arguments: transposes)
    mutating func matrixProductMatchesNaiveLoop(transposingSelf: Bool, transposingOther: Bool) {
        expectProductMatchesNaiveLoop(
            m: 5, k: 7, n: 3, transposingSelf: transposingSelf, transposingOther: transposingOther,
            tolerance: 1e-5)
    }

    /// `op(a) · op(b)` for random `a`, `b` against `naiveProduct`.
    private mutating func expectProductMatchesNaiveLoop(
        m: Int, k: Int, n: Int, transposingSelf: Bool, transposingOther: Bool, tolerance: Float
    ) {
        let aShape = transposingSelf ? (k, m) : (m, k)
        let bShape = transposingOther ? (n, k) : (k, n)
        let a = Tensor(randomNormal: [aShape.0, aShape.1], using: &generator)
        let b = Tensor(randomNormal: [bShape.0, bShape.1], using: &generator)
        let product = a.matmul(
            b, transposingSelf: transposingSelf, transposingOther: transposingOther)
        let expected = naiveProduct(
            a.scalars, aShape, b.scalars, bShape, transposingA: transposingSelf,
            transposingB: transposingOther)
        #expect(Close.tensor(product, shape: [m, n], expected, tolerance: tolerance), "m \(m) k \(k) n \(n)")
    }

    /// Products of at least `GEMM.splitWork` multiply–adds, or with at least `GEMM.splitOutput`
    /// outputs (a 2-D input's first layer, k = 2), are shared out over the worker pool in blocks
    /// of C's rows (taller than wide) or columns (wider than tall), block edges on multiples of
    /// 16: sizes that leave ragged and empty blocks, every transpose.
    @Test(arguments: transposes)
    mutating func splitProductsMatchNaiveLoop(transposingSelf: Bool, transposingOther: Bool) {
        #expect(300 * 2 * 515 < GEMM.splitWork && 300 * 515 >= GEMM.splitOutput)
        // Two threads even where the tests run with OMP_NUM_THREADS=1, so the products split.
        Parallel.withThreadCount(2) {
            for (m, k, n) in [(131, 97, 83), (17, 120, 613), (1, 2048, 515), (300, 2, 515)] {
                expectProductMatchesNaiveLoop(
                    m: m, k: k, n: n, transposingSelf: transposingSelf, transposingOther: transposingOther,
                    tolerance: 1e-4)
            }
        }
    }

    /// `alpha` and `beta` reach every block of a split product.
    @Test mutating func splitProductScalesAndAccumulates() {
        let (m, k, n) = (150, 90, 100)
        let a = Tensor(randomNormal: [m, k], using: &generator)
        let b = Tensor(randomNormal: [k, n], using: &generator)
        var c = Tensor(randomNormal: [m, n], using: &generator).scalars
        let start = c
        a.scalars.withUnsafeBufferPointer { a in
            b.scalars.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Parallel.withThreadCount(2) {
                        GEMM.multiply(
                            transposingA: false, transposingB: false, m: m, n: n, k: k, alpha: 2,
                            a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, beta: 0.5,
                            c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
        let product = naiveProduct(a.scalars, (m, k), b.scalars, (k, n), transposingA: false, transposingB: false)
        let expected = zip(product, start).map { 2 * $0 + 0.5 * $1 }
        #expect(Close.tensor(Tensor(shape: [m, n], scalars: c), shape: [m, n], expected, tolerance: 1e-4))
    }

    @Test(arguments: transposes)
    mutating func batchedProductMatchesNaiveLoop(transposingSelf: Bool, transposingOther: Bool) {
        let (batch, m, k, n) = (3, 2, 4, 5)
        let aShape = transposingSelf ? (k, m) : (m, k)
        let bShape = transposingOther ? (n, k) : (k, n)
        let a = Tensor(randomNormal: [batch, aShape.0, aShape.1], using: &generator)
        let b = Tensor(randomNormal: [batch, bShape.0, bShape.1], using: &generator)
        let product = a.matmul(
            b, transposingSelf: transposingSelf, transposingOther: transposingOther)
        let aScalars = a.scalars
        let bScalars = b.scalars
        var expected: [Float] = []
        for index in 0..<batch {
            let aMatrix = Array(aScalars[(index * m * k)..<((index + 1) * m * k)])
            let bMatrix = Array(bScalars[(index * k * n)..<((index + 1) * k * n)])
            expected += naiveProduct(
                aMatrix, aShape, bMatrix, bShape, transposingA: transposingSelf,
                transposingB: transposingOther)
        }
        #expect(Close.tensor(product, shape: [batch, m, n], expected, tolerance: 1e-5))
    }

    @Test func handComputedProductsAndEdgeShapes() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        #expect(a.matmul(b).scalars == [58, 64, 139, 154])
        #expect(a.matmul(a, transposingOther: true).scalars == [14, 32, 32, 77])
        #expect(Tensor(identity: 3).matmul(b).scalars == b.scalars)
        let empty = Tensor(zeros: [2, 0]).matmul(Tensor(zeros: [0, 3]))
        #expect(empty.shape == [2, 3] && empty.scalars == [Float](repeating: 0, count: 6))
        let outer = Tensor([1, 2]).outerProduct(Tensor([3, 4, 5]))
        #expect(outer.shape == [2, 3] && outer.scalars == [3, 4, 5, 6, 8, 10])
    }

    // MARK: - Gradients (tolerance 1e-2: Float32 central differences with step 1e-2)

    @Test(arguments: transposes)
    mutating func matrixProductGradient(transposingSelf: Bool, transposingOther: Bool) {
        let a = Tensor(randomNormal: transposingSelf ? [4, 3] : [3, 4], using: &generator)
        let b = Tensor(randomNormal: transposingOther ? [2, 4] : [4, 2], using: &generator)
        let error = GradientCheck.maximumError(at: [a, b]) {
            $0[0].matmul(
                $0[1], transposingSelf: transposingSelf, transposingOther: transposingOther)
        }
        #expect(error < 1e-2)
    }

    @Test(arguments: transposes)
    mutating func batchedProductGradient(transposingSelf: Bool, transposingOther: Bool) {
        let a = Tensor(randomNormal: transposingSelf ? [2, 4, 3] : [2, 3, 4], using: &generator)
        let b = Tensor(randomNormal: transposingOther ? [2, 2, 4] : [2, 4, 2], using: &generator)
        let error = GradientCheck.maximumError(at: [a, b]) {
            $0[0].matmul(
                $0[1], transposingSelf: transposingSelf, transposingOther: transposingOther)
        }
        #expect(error < 1e-2)
    }

    @Test mutating func outerProductGradient() {
        let a = Tensor(randomNormal: [3], using: &generator)
        let b = Tensor(randomNormal: [4], using: &generator)
        #expect(GradientCheck.maximumError(at: [a, b]) { $0[0].outerProduct($0[1]) } < 1e-2)
    }
}
