import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// oneDNN's OpenMP threads and the engine's own worker threads share the cores. By default
/// OpenMP's idle threads spin, waiting for the next parallel region, and starve the engine's
/// element-wise work: measured here, a classifier epoch ran 10× slower than with passive waiting.
/// The policy is read once, when the OpenMP runtime loads (before `main`), so a process that
/// wants it re-executes itself with the variable set.
public enum OpenMPEnvironment {
    /// The variable that makes idle OpenMP threads sleep instead of spin.
    public static let waitPolicyVariable = "OMP_WAIT_POLICY"

    /// Restarts the current process with `OMP_WAIT_POLICY=passive` unless the variable is
    /// already set (a user's own choice is kept). Call it first thing in `main`.
    public static func ensurePassiveWaiting() {
        #if os(Linux)
            guard getenv(waitPolicyVariable) == nil else { return }
            setenv(waitPolicyVariable, "passive", 1)
            // On success execv does not return; on failure, run on with the default policy.
            execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }
}
