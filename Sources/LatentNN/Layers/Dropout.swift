import LatentTensor

/// Inverted dropout (Srivastava et al. 2014; PyTorch's `nn.Dropout`): in training mode each
/// element is zeroed with probability `probability` and the survivors are scaled by
/// `1 / (1 − probability)`, so the expected output equals the input; in evaluation mode it is
/// the identity. Any shape; output shaped like the input.
///
/// The layer owns its generator, seeded when it is made, so a model's forward pass needs no
/// generator argument and the same seed gives the same masks.
public final class Dropout: Layer {
    /// The probability that an element is zeroed.
    public let probability: Float
    /// The generator the masks are drawn from; it advances with every training-mode call.
    public var generator: SplitMix64
    /// Whether elements are dropped.
    public private(set) var isTraining = true

    /// Creates a dropout layer whose masks come from a generator seeded with `seed`.
    ///
    /// - Precondition: `probability` is in `[0, 1]`.
    public init(probability: Float = 0.5, seed: UInt64) {
        precondition(
            (0...1).contains(probability), "Dropout: probability \(probability) is not in [0, 1]")
        self.probability = probability
        generator = SplitMix64(seed: seed)
    }

    /// Creates a dropout layer whose generator is seeded from `generator`.
    public convenience init(
        probability: Float = 0.5, using generator: inout some RandomNumberGenerator
    ) {
        self.init(probability: probability, seed: generator.next())
    }

    /// Drops elements in training mode; the identity in evaluation mode.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return input }
        guard probability < 1 else { return input * Tensor(zeros: input.shape) }
        let keep = 1 - probability
        let mask = Tensor(randomBernoulli: input.shape, probability: keep, using: &generator)
        return input * (mask * (1 / keep))
    }

    public func trainingModeDidChange(_ isTraining: Bool) { self.isTraining = isTraining }
}
