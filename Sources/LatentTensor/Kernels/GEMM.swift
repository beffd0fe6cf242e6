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
            let status = dnnl_sgemm(
                transposingA ? 84 : 78, transposingB ? 84 : 78,  // "T" or "N"
                Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
            precondition(status == dnnl_success, "dnnl_sgemm failed with status \(status.rawValue) for m=\(m) n=\(n) k=\(k)")
        #endif
    }
}
