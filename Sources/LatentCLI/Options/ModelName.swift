import ArgumentParser
import LatentModels

/// The models `latent train` can train.
enum ModelName: String, ExpressibleByArgument, CaseIterable {
    case ae, vae, betaVAE = "beta-vae", iwae, cvae
    case gan, dcgan, wgan, wganGP = "wgan-gp", sngan, cgan, infogan
    case classifier

    /// One line for `latent models`.
    var summary: String {
        switch self {
        case .ae: return "deterministic autoencoder, the baseline (reconstruction loss only)"
        case .vae: return "variational autoencoder (Kingma & Welling 2014); the default: PyTorch's examples/vae"
        case .betaVAE: return "beta-VAE (Higgins et al. 2017): reconstruction + beta * KL (--beta)"
        case .iwae: return "importance-weighted autoencoder (Burda et al. 2016), k-sample bound (--importance-samples)"
        case .cvae: return "conditional VAE (Sohn et al. 2015): encoder and decoder see the label"
        case .gan: return "GAN (Goodfellow et al. 2014): MLP G, maxout D with dropout, --d-steps k, --loss minimax|non-saturating; on 2-D data the packed recipe (PacGAN2)"
        case .dcgan: return "DCGAN (Radford et al. 2016): transposed-conv G, strided-conv D, Adam 2e-4 (0.5, 0.999)"
        case .wgan: return "WGAN (Arjovsky et al. 2017): critic with weight clipping 0.01, RMSProp 5e-5, 5 critic steps"
        case .wganGP: return "WGAN-GP (Gulrajani et al. 2017): gradient penalty 10, Adam 1e-4 (0.5, 0.9), 5 critic steps"
        case .sngan: return "SNGAN (Miyato et al. 2018): spectral norm on every D layer, hinge loss"
        case .cgan: return "conditional GAN (Mirza & Osindero 2014): G and D see the label"
        case .infogan: return "InfoGAN (Chen et al. 2016): 10-way and 2 continuous codes, mutual-information loss"
        case .classifier: return "MNIST classifier (conv net); the feature extractor for FID-style evaluation"
        }
    }

    /// The variational kind, for members of that family.
    var variationalKind: VariationalKind? {
        switch self {
        case .ae: return .ae
        case .vae: return .vae
        case .betaVAE: return .betaVAE
        case .iwae: return .iwae
        case .cvae: return .cvae
        case .classifier, .gan, .dcgan, .wgan, .wganGP, .sngan, .cgan, .infogan: return nil
        }
    }
}

extension Activation: ExpressibleByArgument {}
extension Likelihood: ExpressibleByArgument {}
extension GradientEstimator: ExpressibleByArgument {}
extension DataPresentation: ExpressibleByArgument {}
extension TrainingSchedule: ExpressibleByArgument {}
