import LatentTensor

/// A maxout layer (Goodfellow et al. 2013): each output is the largest of `pieces` affine
/// functions of the input, as in the discriminator of the GAN paper (240 units × 5 pieces).
///
/// Input `[batch, inputFeatures]`, output `[batch, outputFeatures]`. Parameters `weight`
/// `[outputFeatures · pieces, inputFeatures]` and `bias` `[outputFeatures · pieces]`, with the
/// pieces of unit `j` in rows `j · pieces ..< (j + 1) · pieces`; initialised as a `Linear`
/// (uniform in ±1/√inputFeatures).
public final class Maxout: Layer {
    /// The affine map that computes every piece.
    public let linear: Linear
    /// The number of affine pieces per output.
    public let pieces: Int

    /// Creates a maxout layer.
    ///
    /// - Precondition: `pieces` is at least 1.
    public init(
        inputFeatures: Int, outputFeatures: Int, pieces: Int,
        using generator: inout some RandomNumberGenerator
    ) {
        precondition(pieces >= 1, "Maxout: needs at least one piece, got \(pieces)")
        linear = Linear(
            inputFeatures: inputFeatures, outputFeatures: outputFeatures * pieces, using: &generator
        )
        self.pieces = pieces
    }

    /// The number of outputs.
    public var outputFeatures: Int { linear.outputFeatures / pieces }

    /// The largest piece of each unit: `[batch, inputFeatures]` → `[batch, outputFeatures]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let all = linear(input)
        return all.reshaped(to: [all.shape[0], outputFeatures, pieces]).max(alongAxis: 2)
    }

    // The affine map's parameters are the layer's own, so names read `weight` and `bias`.
    public var ownParameters: [(name: String, parameter: Parameter)] { linear.ownParameters }
}
