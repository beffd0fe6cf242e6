#if canImport(Accelerate)
    import Accelerate
#else
    import CDNNL
#endif

/// The one place matrix products are computed: `C = alpha · op(A) · op(B) + beta · C`, row-major.
///
/// On Linux this is oneDNN's `dnnl_sgemm`, which picks AVX-512 kernels at run time; on macOS,
/// Accelerate's `cblas_sgemm`. Swapping the library is a change to this file only.
public enum GEMM {
    /// The library behind ``multiply(transposingA:transposingB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
    public static var library: String {
        #if canImport(Accelerate)
            return "Accelerate cblas_sgemm"
        #else
            guard let version = dnnl_version() else { return "oneDNN" }
            return "oneDNN \(version.pointee.major).\(version.pointee.minor).\(version.pointee.patch) dnnl_sgemm"
        #endif
    }

    /// Computes `C = alpha · op(A) · op(B) + beta · C` for row-major matrices, where `op(A)` is
    /// `m × k`, `op(B)` is `k × n` and `C` is `m × n`; `lda`, `ldb`, `ldc` are row strides.
    @inline(__always)
    public static func multiply(
        transposingA: Bool, transposingB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for row in 0..<m {
                for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
            }
            return
        }
        #if canImport(Accelerate)
            cblas_sgemm(CblasRowMajor, transposingA ? CblasTrans : CblasNoTrans,
                        transposingB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
                        a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        #else
            let product = Product(
                transposingA: transposingA, transposingB: transposingB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            if m * n * k >= splitWork || m * n >= splitOutput, Parallel.threadCount > 1,
                let pool = WorkerPool.shared
            {
                let parts = min(Parallel.threadCount, pool.workerCount + 1)
                let ran = pool.run(chunks: parts) { part in
                    OpenMPThreads.singleThreaded { product.part(part, of: parts).compute() }
                }
                if ran { return }
                // The pool is busy (another thread's job, or this call is inside a job): the
                // other cores are working already, so this product stays on this thread.
            }
            OpenMPThreads.singleThreaded { product.compute() }
        #endif
    }

    /// Multiply–adds (`m · n · k`) from which a product is shared out over the worker pool, each
    /// part a single-threaded oneDNN call on its own core; smaller ones run on the calling
    /// thread alone (2²⁰ multiply–adds, 128 × 128 × 64, take about 13 µs on one core).
    static let splitWork = 1 << 20

    /// Products with an output this large are shared out too, however short their inner
    /// dimension: with k of 2 (a 2-D input's first layer) writing C is the work.
    static let splitOutput = 1 << 16

    #if !canImport(Accelerate)
        /// One `dnnl_sgemm` call's arguments.
        private struct Product: @unchecked Sendable {
            var transposingA: Bool, transposingB: Bool
            var m: Int, n: Int, k: Int, alpha: Float
            var a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int
            var beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int

            /// The product restricted to one of `parts` blocks of C's rows (or of its columns when
            /// C is wider than tall), block edges on multiples of 16 scalars (one AVX-512 vector).
            func part(_ index: Int, of parts: Int) -> Product {
                var result = self
                let byRows = m >= n
                let extent = byRows ? m : n
                let size = ((extent + parts - 1) / parts + 15) / 16 * 16
                let start = min(extent, index * size)
                let count = min(extent, start + size) - start
                if byRows {
                    result.m = count
                    result.a = a + (transposingA ? start : start * lda)
                    result.c = c + start * ldc
                } else {
                    result.n = count
                    result.b = b + (transposingB ? start * ldb : start)
                    result.c = c + start
                }
                return result
            }

            func compute() {
                if m == 0 || n == 0 { return }
                let status = dnnl_sgemm(
                    transposingA ? 84 : 78, transposingB ? 84 : 78,  // "T" or "N"
                    Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
                precondition(
                    status == dnnl_success,
                    "dnnl_sgemm failed with status \(status.rawValue) for m=\(m) n=\(n) k=\(k)")
            }
        }
    #endif
}
