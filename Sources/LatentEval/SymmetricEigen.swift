import Foundation

/// The eigendecomposition of a real symmetric matrix by cyclic Jacobi rotations, in Double.
///
/// Jacobi is slow for large matrices (O(n³) per sweep, about ten sweeps) but exact to rounding
/// and simple; for the 128 × 128 covariances of classifier features it takes a fraction of a
/// second.
struct SymmetricEigen {
    /// The eigenvalues, in no particular order.
    let values: [Double]
    /// The eigenvectors as columns of a row-major `[n, n]` matrix, `vectors[k * n + i]` being
    /// component `k` of eigenvector `i`.
    let vectors: [Double]
    let dimension: Int

    /// Decomposes `matrix`, row-major `[n, n]`; only its symmetric part is used.
    init(_ matrix: [Double], dimension n: Int) {
        precondition(
            matrix.count == n * n,
            "SymmetricEigen: \(matrix.count) entries for a \(n) × \(n) matrix")
        var a = matrix
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let average = (a[i * n + j] + a[j * n + i]) / 2
                a[i * n + j] = average
                a[j * n + i] = average
            }
        }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for i in 0..<n {
                for j in 0..<n where i != j { offDiagonal += a[i * n + j] * a[i * n + j] }
            }
            if offDiagonal <= 1e-30 * total || offDiagonal == 0 { break }
            for p in 0..<max(n - 1, 0) {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t =
                        (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    // A ← Jᵀ A J with J the rotation in the (p, q) plane; V ← V J.
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        values = (0..<n).map { a[$0 * n + $0] }
        vectors = v
        dimension = n
    }

    /// `V f(Λ) Vᵀ`, row-major `[n, n]`: the matrix function `f` of the decomposed matrix.
    func applying(_ function: (Double) -> Double) -> [Double] {
        let n = dimension
        let mapped = values.map(function)
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var sum = 0.0
                for k in 0..<n { sum += vectors[i * n + k] * mapped[k] * vectors[j * n + k] }
                result[i * n + j] = sum
                result[j * n + i] = sum
            }
        }
        return result
    }
}
