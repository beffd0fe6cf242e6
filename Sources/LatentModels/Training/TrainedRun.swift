import Foundation
import LatentNN
import LatentTensor

/// A model rebuilt from a run folder's `config.json` and `checkpoint.safetensors`.
public enum TrainedModel {
    /// An AE, VAE, β-VAE, IWAE or CVAE.
    case variational(VariationalAutoencoder)
    /// A GAN, DCGAN, WGAN, WGAN-GP, SNGAN, cGAN or InfoGAN.
    case adversarial(AdversarialNetwork)
    /// An image classifier.
    case classifier(Classifier)
}

/// A finished (or checkpointed) run, loaded for sampling and evaluation.
public struct TrainedRun {
    /// The run folder.
    public let folder: RunFolder
    /// Its `config.json`.
    public let configuration: RunConfiguration
    /// The model with the checkpoint's weights, in evaluation mode.
    public let model: TrainedModel

    /// Loads the run in `path`.
    ///
    /// - Throws: ``RunError`` for a folder without `config.json` or a configuration of no known
    ///   family; `CheckpointError` (one line naming the file) for a missing, corrupt or
    ///   mismatched checkpoint.
    public init(path: String) throws {
        folder = try RunFolder(existing: path)
        configuration = try folder.readConfiguration()
        guard folder.hasCheckpoint else {
            throw RunError("\(path) has no checkpoint.safetensors yet (training has not finished an epoch)")
        }
        // The weights are overwritten from the checkpoint, so the initialisation seed is moot.
        var generator = SplitMix64(seed: 0)
        if let variational = configuration.variational {
            let model = VariationalAutoencoder(variational, using: &generator)
            try Checkpoint.load(into: model, from: folder.checkpointURL)
            model.eval()
            self.model = .variational(model)
        } else if configuration.adversarial != nil {
            self.model = .adversarial(try AdversarialNetwork.load(run: path))
        } else if let classifier = configuration.classifier {
            let model = Classifier(classifier, using: &generator)
            try Checkpoint.load(into: model, from: folder.checkpointURL)
            model.eval()
            self.model = .classifier(model)
        } else {
            throw RunError("\(folder.configurationURL.path): model '\(configuration.model)' is of no family this version of Latent knows")
        }
    }

    /// The shape of one example the model reads or makes.
    public var exampleShape: [Int] {
        switch model {
        case .variational(let model): model.configuration.imageShape
        case .adversarial(let model): model.configuration.exampleShape
        case .classifier(let model): model.configuration.imageShape
        }
    }

    /// The classes the model is conditioned on or tells apart; `nil` for a model without labels.
    public var classCount: Int? {
        switch model {
        case .variational(let model): model.configuration.isConditional ? model.configuration.classCount : nil
        case .adversarial(let model): model.configuration.isConditional ? model.configuration.classCount : nil
        case .classifier(let model): model.configuration.classCount
        }
    }

    /// The variational model, or a one-line error naming what the run holds instead.
    public func variationalModel(for purpose: String) throws -> VariationalAutoencoder {
        guard case .variational(let model) = model else {
            throw RunError("\(purpose) needs a latent-variable model (ae, vae, beta-vae, iwae, cvae); \(folder.url.path) holds a \(configuration.model)")
        }
        return model
    }
}
