import LatentNN
import LatentTensor

/// The objectives of the adversarial family, on D's raw outputs (logits or critic values).
///
/// Every function is built from differentiable tensor operations and averages over the batch.
public enum AdversarialLosses {
    /// D's loss on the scores of real and generated examples, each `[batch]`.
    ///
    /// - Logistic losses: `BCE(real, t) + BCE(fake, 0)` on logits, i.e.
    ///   `mean[softplus(r) − t·r] + mean softplus(f)`, as PyTorch's DCGAN example; a target
    ///   `t = realTarget` below 1 is one-sided label smoothing (Salimans et al. 2016).
    /// - Wasserstein: `mean C(fake) − mean C(real)`.
    /// - Hinge: `mean relu(1 − real) + mean relu(1 + fake)`.
    public static func discriminator(
        real: Tensor, fake: Tensor, loss: AdversarialLoss, realTarget: Float = 1
    ) -> Tensor {
        switch loss {
        case .minimax, .nonSaturating:
            return binaryCrossEntropy(logits: real, labels: Tensor(shape: real.shape, repeating: realTarget))
                + binaryCrossEntropy(logits: fake, labels: Tensor(zeros: fake.shape))
        case .wasserstein:
            return fake.mean() - real.mean()
        case .hinge:
            return (1 - real).relu().mean() + (1 + fake).relu().mean()
        }
    }

    /// G's loss on D's scores of generated examples `[batch]`.
    ///
    /// Minimax: `mean log(1 − σ(f)) = −mean softplus(f)`; non-saturating: `−mean log σ(f) =
    /// mean softplus(−f)`; Wasserstein and hinge: `−mean f`.
    public static func generator(fake: Tensor, loss: AdversarialLoss) -> Tensor {
        switch loss {
        case .minimax: return -fake.softplus().mean()
        case .nonSaturating: return (-fake).softplus().mean()
        case .wasserstein, .hinge: return -fake.mean()
        }
    }

    /// Feature matching (Salimans et al. 2016): `‖mean f(x) − mean f(G(z))‖²` over D's body
    /// features `[batch, featureSize]` of real and generated examples.
    public static func featureMatching(real: Tensor, fake: Tensor) -> Tensor {
        (real.mean(alongAxis: 0) - fake.mean(alongAxis: 0)).squared().sum()
    }

    /// WGAN-GP's penalty `mean (‖∇x̂ C(x̂)‖₂ − 1)²` at x̂ = αx + (1−α)G(z), α ~ U(0, 1) per
    /// example (Gulrajani et al. 2017).
    ///
    /// The input gradient is taken with `createsGraph: true`, so the penalty's gradient with
    /// respect to the critic's parameters is exact (a second-order derivative).
    ///
    /// - Parameters:
    ///   - real: data `[batch, …]` (constant).
    ///   - fake: generated examples shaped like `real` (detached by the caller).
    ///   - critic: the critic's scores `[batch]` of a batch shaped like `real`.
    ///   - random: the source of α.
    /// - Returns: the penalty (before its weight λ) and the mean gradient norm, a plain number.
    public static func gradientPenalty(
        real: Tensor, fake: Tensor, critic: (Tensor) -> Tensor,
        using random: inout some RandomNumberGenerator
    ) -> (penalty: Tensor, meanNorm: Float) {
        precondition(real.shape == fake.shape, "gradientPenalty: real \(real.shape) but fake \(fake.shape)")
        let batch = real.shape[0]
        let alpha = Tensor(randomUniform: [batch] + Array(repeating: 1, count: real.rank - 1), using: &random)
        let interpolated = (alpha * real + (1 - alpha) * fake).detached().requiringGradient()
        return gradientPenalty(at: interpolated, critic: critic)
    }

    /// The penalty `mean (‖∇x C(x)‖₂ − 1)²` at given points `[batch, …]` that require gradients;
    /// for a critic that scores packed groups of examples, the norm is the group's.
    public static func gradientPenalty(at points: Tensor, critic: (Tensor) -> Tensor)
        -> (penalty: Tensor, meanNorm: Float)
    {
        let scores = critic(points)
        let inputGradient = scores.sum().gradients(withRespectTo: [points], createsGraph: true)[0]
        // One norm per score: per example, or per packed group of examples (PacGAN), whose
        // concatenation is the critic's real input.
        let groups = scores.shape[0]
        let perGroup = inputGradient.reshaped(to: [groups, inputGradient.scalarCount / groups])
        // The tiny constant keeps the square root differentiable where a gradient vanishes.
        let norms = (perGroup.squared().sum(alongAxis: 1) + 1e-12).sqrt()
        let penalty = (norms - 1).squared().mean()
        return (penalty, norms.mean().scalar)
    }

    /// InfoGAN's mutual-information term (Chen et al. 2016, the variational lower bound up to
    /// constants): cross-entropy of the categorical code plus `continuousWeight · ½‖c − μ‖²`
    /// for the continuous codes (a unit-variance Gaussian Q), averaged over the batch.
    ///
    /// - Parameters:
    ///   - predictions: the code head's output `[batch, categorical + continuous]`.
    ///   - codes: the codes the generator was given.
    ///   - categorical: the number of categories (0: none).
    ///   - continuousWeight: the weight of the continuous part.
    public static func mutualInformation(
        predictions: Tensor, codes: GeneratorCodes, categorical: Int, continuousWeight: Float = 1
    ) -> Tensor {
        let continuousCount = predictions.shape[1] - categorical
        var loss = Tensor(0)
        if categorical > 0, let categories = codes.categories {
            let logits = predictions.sliced(0..<categorical, alongAxis: 1)
            loss = loss + crossEntropy(logits: logits, labels: categories)
        }
        if continuousCount > 0, let continuous = codes.continuous {
            let means = predictions.sliced(categorical..<predictions.shape[1], alongAxis: 1)
            loss = loss + continuousWeight * 0.5 * (continuous - means).squared().sum(alongAxis: 1).mean()
        }
        return loss
    }
}
