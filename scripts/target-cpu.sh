# Sourced by the scripts that build Latent: chooses LATENT_TARGET_CPU (see Package.swift) from
# this machine's CPU, so the element-wise kernels use its widest vectors (AVX2, AVX-512).
# The binaries are run on the machine that builds them, so the choice is safe here; a binary
# copied to an older CPU may stop with "illegal instruction": build it there, or set
# LATENT_TARGET_CPU=none (the portable SSE2 build) before running the script.
# Set LATENT_TARGET_CPU yourself (haswell, x86-64-v4, native, ...) to override the choice.
latent_cpu_say() { printf '\033[1m[latent build]\033[0m %s\n' "$*" >&2; }

if [ -z "${LATENT_TARGET_CPU+set}" ]; then
    LATENT_TARGET_CPU=none
    if [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] && [ -r /proc/cpuinfo ]; then
        latent_cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
        latent_cpu_has() {
            for flag in "$@"; do
                case "$latent_cpu_flags" in *" $flag "*) ;; *) return 1 ;; esac
            done
        }
        # The x86-64 micro-architecture levels: v3 = AVX2, FMA, BMI1/2, F16C, MOVBE, LZCNT;
        # v4 adds AVX-512 F, BW, CD, DQ, VL.
        if latent_cpu_has avx2 fma bmi1 bmi2 f16c movbe abm; then
            LATENT_TARGET_CPU=x86-64-v3
            if latent_cpu_has avx512f avx512bw avx512cd avx512dq avx512vl; then
                LATENT_TARGET_CPU=x86-64-v4
                # Full 512-bit vectors: the element-wise loops are long, and sigmoid of 64K
                # floats ran 0.65 -> 0.51 ns per element against LLVM's 256-bit default.
                LATENT_VECTOR_WIDTH="${LATENT_VECTOR_WIDTH:-512}"
            fi
        fi
        unset -f latent_cpu_has
        unset latent_cpu_flags
    fi
    latent_cpu_say "LATENT_TARGET_CPU=$LATENT_TARGET_CPU${LATENT_VECTOR_WIDTH:+ LATENT_VECTOR_WIDTH=$LATENT_VECTOR_WIDTH} (detected from this CPU; set LATENT_TARGET_CPU=none for a portable build)"
else
    latent_cpu_say "LATENT_TARGET_CPU=${LATENT_TARGET_CPU:-none}${LATENT_VECTOR_WIDTH:+ LATENT_VECTOR_WIDTH=$LATENT_VECTOR_WIDTH} (from the environment)"
fi
export LATENT_TARGET_CPU
if [ -n "${LATENT_VECTOR_WIDTH:-}" ]; then export LATENT_VECTOR_WIDTH; fi
unset -f latent_cpu_say
