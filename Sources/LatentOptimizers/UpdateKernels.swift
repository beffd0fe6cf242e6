import LatentTensor

/// The fused update loops of the optimisers, over raw pointers.
///
/// Each loop reads the parameter, its gradient and its state once and writes them once. Branches
/// on settings are taken outside the loops, so each loop body is straight-line code the compiler
/// vectorises (the target is built with `-fno-math-errno` so that square roots vectorise too).
/// Weight decay enters as `g + decay · p`, which is `g` itself for `decay = 0` and finite `p`.
enum UpdateKernels {
    /// `x`, or 0 when |x| is below the smallest normal Float (1.2e-38), for the optimisers' state.
    ///
    /// A moment whose gradient is 0 (the weights of a dead ReLU unit) decays geometrically and
    /// would spend tens to hundreds of steps in the subnormal range, where an x86 core takes a
    /// microcode assist for every operation on such a value: W3's Adam updates in
    /// `latent-bench workloads` ran 4× slower than with the state flushed. Flushing moves a step
    /// by less than 1e-30 of the learning rate, and not at all while the state stays normal.
    ///
    /// A second moment is divided by only through `√v + ε`, so it is flushed only when ε > 0
    /// (`threshold` 0 turns the flush off): with ε = 0 a flushed `v` beside a tiny `m` would
    /// divide by zero. NaN and infinities pass through.
    @inline(__always) static func flushed(_ x: Float, below threshold: Float = .leastNormalMagnitude)
        -> Float
    {
        x.magnitude < threshold ? 0 : x
    }

    /// SGD without momentum: `p ← p − rate · (g + decay · p)`.
    static func sgd(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, count: Int,
        rate: Float, decay: Float
    ) {
        if decay == 0 {
            for i in 0..<count { p[i] -= rate * g[i] }
        } else {
            for i in 0..<count { p[i] -= rate * (g[i] + decay * p[i]) }
        }
    }

    /// SGD with momentum buffer `b` (set to the gradient when `isFirst`), optionally Nesterov.
    static func sgdMomentum(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ b: UnsafeMutablePointer<Float>, count: Int, rate: Float, decay: Float, momentum: Float,
        keep: Float, nesterov: Bool, isFirst: Bool
    ) {
        // A fresh buffer is all zeros, so the first step's `b ← d` is `0 · b + 1 · d`, exactly.
        let bufferScale: Float = isFirst ? 0 : momentum
        let gradientScale: Float = isFirst ? 1 : keep
        if nesterov {
            for i in 0..<count {
                let d = g[i] + decay * p[i]
                let buffer = flushed(bufferScale * b[i] + gradientScale * d)
                b[i] = buffer
                p[i] -= rate * (d + momentum * buffer)
            }
        } else {
            for i in 0..<count {
                let d = g[i] + decay * p[i]
                let buffer = flushed(bufferScale * b[i] + gradientScale * d)
                b[i] = buffer
                p[i] -= rate * buffer
            }
        }
    }

    /// Scalars per thread below which an update stays on one thread: Adam streams seven arrays
    /// (four read, three written), so a 313K-parameter matrix (W1's layers) takes about 0.4 ms
    /// on one core, and waking the second costs 5–20 µs.
    static let grain = 1 << 16

    /// Adam / AdamW: moments `m`, `v`; `coupledDecay` enters the gradient, `shrink` scales `p`.
    /// Large parameters are split across threads; each element's arithmetic is unchanged.
    static func adam(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, count: Int,
        keep1: Float, beta2: Float, keep2: Float, stepSize: Float, rootCorrection: Float,
        epsilon: Float, coupledDecay: Float, shrink: Float
    ) {
        Parallel.splitting(count, grain: grain) { range in
            let start = range.lowerBound
            adamRange(
                p + start, g + start, m + start, v + start, count: range.count, keep1: keep1,
                beta2: beta2, keep2: keep2, stepSize: stepSize, rootCorrection: rootCorrection,
                epsilon: epsilon, coupledDecay: coupledDecay, shrink: shrink)
        }
    }

    private static func adamRange(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, count: Int,
        keep1: Float, beta2: Float, keep2: Float, stepSize: Float, rootCorrection: Float,
        epsilon: Float, coupledDecay: Float, shrink: Float
    ) {
        // A product instead of a second vector division per element (within an ulp of
        // `√v / rootCorrection`): W3 of `latent-bench workloads` ran about 4% faster.
        let inverseRootCorrection = 1 / rootCorrection
        let floor: Float = epsilon > 0 ? .leastNormalMagnitude : 0
        if coupledDecay == 0 {
            for i in 0..<count {
                let d = g[i]
                let first = flushed(m[i] + keep1 * (d - m[i]))
                let second = flushed(beta2 * v[i] + keep2 * d * d, below: floor)
                m[i] = first
                v[i] = second
                p[i] =
                    shrink * p[i] - stepSize * first
                    / (second.squareRoot() * inverseRootCorrection + epsilon)
            }
        } else {
            for i in 0..<count {
                let d = g[i] + coupledDecay * p[i]
                let first = flushed(m[i] + keep1 * (d - m[i]))
                let second = flushed(beta2 * v[i] + keep2 * d * d, below: floor)
                m[i] = first
                v[i] = second
                p[i] =
                    shrink * p[i] - stepSize * first
                    / (second.squareRoot() * inverseRootCorrection + epsilon)
            }
        }
    }

    /// RMSProp: square average `s`, gradient average `a` (centred only), momentum buffer `b`
    /// (momentum only); unused pointers are not touched.
    static func rmsProp(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ s: UnsafeMutablePointer<Float>, _ a: UnsafeMutablePointer<Float>?,
        _ b: UnsafeMutablePointer<Float>?, count: Int, rate: Float, alpha: Float, keep: Float,
        epsilon: Float, momentum: Float, decay: Float
    ) {
        let floor: Float = epsilon > 0 ? .leastNormalMagnitude : 0
        switch (a, b) {
        case (nil, nil):
            for i in 0..<count {
                let d = g[i] + decay * p[i]
                let square = flushed(alpha * s[i] + keep * d * d, below: floor)
                s[i] = square
                p[i] -= rate * d / (square.squareRoot() + epsilon)
            }
        case (nil, let b?):
            for i in 0..<count {
                let d = g[i] + decay * p[i]
                let square = flushed(alpha * s[i] + keep * d * d, below: floor)
                s[i] = square
                let buffer = flushed(momentum * b[i] + d / (square.squareRoot() + epsilon))
                b[i] = buffer
                p[i] -= rate * buffer
            }
        case (let a?, nil):
            for i in 0..<count {
                let d = g[i] + decay * p[i]
                let square = flushed(alpha * s[i] + keep * d * d, below: floor)
                // A square average flushed to 0 takes the mean with it: its square would
                // otherwise exceed the flushed square average and the root be NaN.
                let average = square == 0 ? 0 : flushed(a[i] + keep * (d - a[i]))
                s[i] = square
                a[i] = average
                p[i] -= rate * d / ((square - average * average).squareRoot() + epsilon)
            }
        case (let a?, let b?):
            for i in 0..<count {
                let d = g[i] + decay * p[i]
                let square = flushed(alpha * s[i] + keep * d * d, below: floor)
                // A square average flushed to 0 takes the mean with it: its square would
                // otherwise exceed the flushed square average and the root be NaN.
                let average = square == 0 ? 0 : flushed(a[i] + keep * (d - a[i]))
                s[i] = square
                a[i] = average
                let buffer = flushed(
                    momentum * b[i] + d / ((square - average * average).squareRoot() + epsilon))
                b[i] = buffer
                p[i] -= rate * buffer
            }
        }
    }
}
