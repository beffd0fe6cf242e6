// What the Swift code importing this header was compiled for. The Clang importer sees the
// importing target's `-target-cpu` (so the __AVX*__ macros follow it) and the -D flags that
// Package.swift adds for LATENT_TARGET_CPU and LATENT_VECTOR_WIDTH, so these functions
// describe the build of the importing target.
#ifndef LATENT_BUILD_INFO_H
#define LATENT_BUILD_INFO_H

#ifndef LATENT_TARGET_CPU
#define LATENT_TARGET_CPU ""
#endif

/// The LATENT_TARGET_CPU the target was built with; empty for the portable build.
static inline const char *latent_build_target_cpu(void) { return LATENT_TARGET_CPU; }

#ifndef LATENT_VECTOR_WIDTH
#define LATENT_VECTOR_WIDTH 0
#endif

/// The LATENT_VECTOR_WIDTH the target was built with (bits), 0 for the compiler's default.
static inline int latent_build_vector_width(void) { return LATENT_VECTOR_WIDTH; }

/// The widest vector instructions the compiler was allowed to use.
static inline const char *latent_build_vector_extensions(void) {
#if defined(__AVX512F__)
    return "AVX-512";
#elif defined(__AVX2__) && defined(__FMA__)
    return "AVX2+FMA";
#elif defined(__AVX2__)
    return "AVX2";
#elif defined(__AVX__)
    return "AVX";
#elif defined(__SSE4_2__)
    return "SSE4.2";
#elif defined(__SSE2__)
    return "SSE2";
#elif defined(__ARM_NEON)
    return "NEON";
#else
    return "scalar";
#endif
}

#endif
