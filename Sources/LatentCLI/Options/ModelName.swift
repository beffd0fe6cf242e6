import ArgumentParser
import LatentModels

/// The models `latent train` can train.
enum ModelName: String, ExpressibleByArgument, CaseIterable {
    case ae, vae, betaVAE = "beta-vae", iwae, cvae
    case classifier

    /// One line for `latent models`.
    var summary: String {
        switch self {
        case .ae: return "deterministic autoencoder, the baseline (reconstruction loss only)"
        case .vae: return "variational autoencoder (Kingma & Welling 2014); the default: PyTorch's examples/vae"
        case .betaVAE: return "beta-VAE (Higgins et al. 2017): reconstruction + beta * KL (--beta)"
        case .iwae: return "importance-weighted autoencoder (Burda et al. 2016), k-sample bound (--importance-samples)"
        case .cvae: return "conditional VAE (Sohn et al. 2015): encoder and decoder see the label"
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
        case .classifier: return nil
        }
    }
}

extension Activation: ExpressibleByArgument {}
extension Likelihood: ExpressibleByArgument {}
extension GradientEstimator: ExpressibleByArgument {}
extension DataPresentation: ExpressibleByArgument {}
extension TrainingSchedule: ExpressibleByArgument {}
