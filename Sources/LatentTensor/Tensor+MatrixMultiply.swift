extension Tensor {
    /// The matrix product `op(self) · op(other)`, where `op` transposes when asked.
    ///
    /// Rank 2: `[m, k] · [k, n] → [m, n]`. Rank 3: a batch of such products,
    /// `[b, m, k] · [b, k, n] → [b, m, n]`. Transposes are handed to the GEMM, never copied,
    /// so `x.matmul(weight, transposingOther: true)` is how a linear layer applies `[out, in]`
    /// weights.
    ///
    /// - Precondition: ranks are both 2 or both 3 with equal batch; inner dimensions agree.
    public func matmul(_ other: Tensor, transposingSelf: Bool = false, transposingOther: Bool = false) -> Tensor {
        precondition(
            (rank == 2 && other.rank == 2) || (rank == 3 && other.rank == 3 && shape[0] == other.shape[0]),
            "matmul: shapes \(shape) and \(other.shape) are not two matrices or two equal batches of matrices")
        let batch = rank == 3 ? shape[0] : 1
        let (rowsA, columnsA) = (shape[rank - 2], shape[rank - 1])
        let (rowsB, columnsB) = (other.shape[rank - 2], other.shape[rank - 1])
        let (m, k) = transposingSelf ? (columnsA, rowsA) : (rowsA, columnsA)
        let (kB, n) = transposingOther ? (columnsB, rowsB) : (rowsB, columnsB)
        precondition(
            k == kB,
            "matmul: inner dimensions differ: \(shape)\(transposingSelf ? "ᵀ" : "") · \(other.shape)\(transposingOther ? "ᵀ" : "")")
        let newShape = rank == 3 ? [batch, m, n] : [m, n]
        let result = TensorStorage(uninitializedCount: newShape.elementCount)
        for index in 0..<batch {
            GEMM.multiply(
                transposingA: transposingSelf, transposingB: transposingOther, m: m, n: n, k: k,
                a: storage.base + index * rowsA * columnsA, lda: columnsA,
                b: other.storage.base + index * rowsB * columnsB, ldb: columnsB,
                c: result.base + index * m * n, ldc: n)
        }
        let a = self, b = other, tA = transposingSelf, tB = transposingOther
        return Tensor(shape: newShape, storage: result, recording: [a, b], operation: "matmul") {
            g, needed in
            // With G the upstream: d op(A) = G · op(B)ᵀ and d op(B) = op(A)ᵀ · G.
            let gradientA: Tensor? = !needed[0] ? nil
                : !tA ? g.matmul(b, transposingOther: !tB)
                : b.matmul(g, transposingSelf: tB, transposingOther: true)
            let gradientB: Tensor? = !needed[1] ? nil
                : !tB ? a.matmul(g, transposingSelf: !tA)
                : g.matmul(a, transposingSelf: true, transposingOther: tA)
            return [gradientA, gradientB]
        }
    }

    /// The outer product of two vectors: `[m] ⊗ [n] → [m, n]`.
    public func outerProduct(_ other: Tensor) -> Tensor {
        precondition(rank == 1 && other.rank == 1, "outerProduct: needs two vectors, got \(shape) and \(other.shape)")
        return reshaped(to: [shape[0], 1]).matmul(other.reshaped(to: [1, other.shape[0]]))
    }
}
