import CBuildInfo

/// What this build of the engine's kernels was compiled for, so that timings can say so.
///
/// Package.swift compiles Latent for baseline x86-64 (SSE2) unless the environment variable
/// `LATENT_TARGET_CPU` names a CPU at build time (`haswell`, `skylake-avx512`, `native`, …);
/// the scripts in `scripts/` choose one from the building machine's `/proc/cpuinfo`.
public enum BuildConfiguration {
    /// The `LATENT_TARGET_CPU` the engine was built with, or `"portable"` when none was set.
    public static var targetCPU: String {
        let name = String(cString: latent_build_target_cpu())
        return name.isEmpty ? "portable" : name
    }

    /// The widest vector instructions the compiler could use: `"SSE2"`, `"AVX2+FMA"`,
    /// `"AVX-512"`, `"NEON"`, ….
    public static var vectorExtensions: String { String(cString: latent_build_vector_extensions()) }

    /// The vector width in bits the loops were allowed (`LATENT_VECTOR_WIDTH`), or nil for the
    /// compiler's choice (256 bits on AVX-512 CPUs).
    public static var preferredVectorWidth: Int? {
        let bits = Int(latent_build_vector_width())
        return bits > 0 ? bits : nil
    }
}
