import LatentNN
import LatentTensor

/// The joint L2 norm of a list of gradients, `√(Σ‖gᵢ‖²)`, accumulated in Double.
public func gradientNorm(_ gradients: [Tensor]) -> Float {
    var sumOfSquares = 0.0
    for gradient in gradients {
        gradient.withUnsafeScalars { g in
            for value in g { sumOfSquares += Double(value) * Double(value) }
        }
    }
    return Float(sumOfSquares.squareRoot())
}

/// Scales gradients so their joint L2 norm is at most `maxNorm`, returning scaled copies.
///
/// As PyTorch's `torch.nn.utils.clip_grad_norm_`: with `norm` the joint norm, every gradient is
/// multiplied by `maxNorm / (norm + 1e-6)` when that factor is below 1. A non-finite norm leaves
/// the gradients unchanged, so the caller can check `norm.isFinite` and skip the step.
///
/// - Parameters:
///   - gradients: the gradients of one update, any shapes.
///   - maxNorm: the largest joint norm allowed.
/// - Returns: the clipped gradients and the joint norm before clipping.
public func clipGradientNorm(
    _ gradients: [Tensor], maxNorm: Float
) -> (clipped: [Tensor], norm: Float) {
    var clipped = gradients
    let norm = clipGradientNorm(&clipped, maxNorm: maxNorm)
    return (clipped, norm)
}

/// Scales gradients in place so their joint L2 norm is at most `maxNorm`; see
/// ``clipGradientNorm(_:maxNorm:)-(_,Float)``.
///
/// Storage shared with other tensors is copied before it is scaled (copy-on-write); gradients
/// fresh from autodiff are usually scaled without allocating.
///
/// - Returns: the joint norm before clipping.
@discardableResult
public func clipGradientNorm(_ gradients: inout [Tensor], maxNorm: Float) -> Float {
    precondition(maxNorm >= 0, "clipGradientNorm: maxNorm \(maxNorm) is negative")
    let norm = gradientNorm(gradients)
    let factor = maxNorm / (norm + 1e-6)
    guard norm.isFinite, factor < 1 else { return norm }
    for index in gradients.indices {
        gradients[index].withUnsafeMutableScalars { g in
            for i in g.indices { g[i] *= factor }
        }
    }
    return norm
}

/// Clamps every scalar of the parameters into `range`, in place (WGAN's weight clipping,
/// PyTorch's `p.data.clamp_(lower, upper)`).
public func clampParameters(_ parameters: [Parameter], to range: ClosedRange<Float>) {
    let lower = range.lowerBound
    let upper = range.upperBound
    for parameter in parameters {
        parameter.updateInPlace { p in
            for i in p.indices { p[i] = Swift.min(Swift.max(p[i], lower), upper) }
        }
    }
}
