import LatentNN
import LatentTensor

extension AdversarialNetwork {
    /// Rebuilds the adversarial model of a run folder from its `config.json` and
    /// `checkpoint.safetensors`, in evaluation mode, ready for
    /// ``sample(count:labels:categories:continuous:using:)``.
    ///
    /// - Parameter path: the run folder.
    /// - Throws: ``RunError`` for a folder without `config.json` or checkpoint, or one that
    ///   holds another family's model; `CheckpointError` (naming the file) for a corrupt or
    ///   mismatched checkpoint.
    public static func load(run path: String) throws -> AdversarialNetwork {
        let folder = try RunFolder(existing: path)
        let configuration = try folder.readConfiguration()
        guard let adversarial = configuration.adversarial else {
            throw RunError("\(path) holds a \(configuration.model), not an adversarial model "
                + "(gan, dcgan, wgan, wgan-gp, sngan, cgan, infogan)")
        }
        guard folder.hasCheckpoint else {
            throw RunError("\(path) has no checkpoint.safetensors yet")
        }
        // The weights are overwritten from the checkpoint, so the initialisation seed is moot.
        var random = SplitMix64(seed: 0)
        let model = AdversarialNetwork(adversarial, using: &random)
        try Checkpoint.load(into: model, from: folder.checkpointURL)
        model.eval()
        return model
    }
}
