import LatentNN
import LatentTensor

/// What the generator is fed besides its noise: labels (cgan) and InfoGAN's codes.
public struct GeneratorCodes: Sendable {
    /// Class labels, for a conditional model.
    public var labels: [Int]?
    /// InfoGAN's categorical code per example.
    public var categories: [Int]?
    /// InfoGAN's continuous codes, `[batch, continuousCodes]`, each in [−1, 1].
    public var continuous: Tensor?

    /// Creates codes; absent parts are drawn or omitted as the model needs.
    public init(labels: [Int]? = nil, categories: [Int]? = nil, continuous: Tensor? = nil) {
        self.labels = labels
        self.categories = categories
        self.continuous = continuous
    }
}

/// A generator–discriminator pair: GAN, DCGAN, WGAN, WGAN-GP, SNGAN, cGAN or InfoGAN.
///
/// The generator works in *model space*: data in [0, 1] is scaled to [−1, 1] for a tanh
/// generator (``toModelSpace(_:)``), and ``sample(count:labels:categories:continuous:using:)``
/// maps samples back to the data's layout and range. With ``AdversarialConfiguration/averagesGenerator``
/// the model also keeps `generatorAverage`, an exponential moving average of the generator's
/// weights (Yazıcı et al. 2019), which sampling uses. Parameters are named `generator.…`,
/// `discriminator.…` and `generatorAverage.…`.
public final class AdversarialNetwork: Module {
    /// How the model was built.
    public let configuration: AdversarialConfiguration
    /// G.
    public let generator: Generator
    /// D (or the critic).
    public let discriminator: Discriminator
    /// The moving average of the generator's weights, when kept.
    public let generatorAverage: Generator?

    /// Builds both networks from one generator of random numbers.
    public init(
        _ configuration: AdversarialConfiguration,
        using random: inout some RandomNumberGenerator
    ) {
        self.configuration = configuration
        generator = Generator(configuration, using: &random)
        discriminator = Discriminator(configuration, using: &random)
        if configuration.averagesGenerator {
            let average = Generator(configuration, using: &random)
            generatorAverage = average
            average.setFrozen(true)
            Self.copy(from: generator, to: average)
        } else {
            generatorAverage = nil
        }
    }

    public var children: [(name: String, module: any Module)] {
        [("generator", generator), ("discriminator", discriminator)]
            + (generatorAverage.map { [("generatorAverage", $0)] } ?? [])
    }

    // MARK: - Generator input

    /// Draws the generator's input for `count` examples: noise, then the one-hot label, then
    /// InfoGAN's one-hot category and continuous codes, `[count, generatorInputSize]`.
    ///
    /// Codes not given are drawn uniformly; labels must be given for a conditional model.
    /// `temperature` below 1 scales the noise towards the prior's centre (the truncation trick
    /// of Karras et al. 2019, ψ = temperature; Brock et al. 2019 truncate normal noise
    /// instead): samples more typical of the model, less varied. Codes and labels are kept.
    /// - Returns: the input and the codes it holds.
    public func generatorInput(
        count: Int, codes: GeneratorCodes = GeneratorCodes(), temperature: Float = 1,
        using random: inout some RandomNumberGenerator
    ) -> (input: Tensor, codes: GeneratorCodes) {
        let noise = configuration.uniformNoise
            ? Tensor(randomUniform: [count, configuration.noiseDimension], lowerBound: -1,
                     upperBound: 1, using: &random)
            : Tensor(randomNormal: [count, configuration.noiseDimension], using: &random)
        var parts: [Tensor] = [temperature == 1 ? noise : noise * temperature]
        var used = GeneratorCodes()
        if configuration.isConditional {
            guard let labels = codes.labels else {
                preconditionFailure("AdversarialNetwork: a conditional model needs labels")
            }
            precondition(labels.count == count, "AdversarialNetwork: \(labels.count) labels for \(count) samples")
            parts.append(oneHot(labels, classes: configuration.classCount))
            used.labels = labels
        }
        if configuration.categoricalCode > 0 {
            let categories = codes.categories
                ?? (0..<count).map { _ in Int(random.next() % UInt64(configuration.categoricalCode)) }
            precondition(categories.count == count, "AdversarialNetwork: \(categories.count) categories for \(count) samples")
            parts.append(oneHot(categories, classes: configuration.categoricalCode))
            used.categories = categories
        }
        if configuration.continuousCodes > 0 {
            let continuous = codes.continuous
                ?? Tensor(randomUniform: [count, configuration.continuousCodes], lowerBound: -1,
                          upperBound: 1, using: &random)
            precondition(
                continuous.shape == [count, configuration.continuousCodes],
                "AdversarialNetwork: continuous codes \(continuous.shape) are not [\(count), \(configuration.continuousCodes)]")
            parts.append(continuous)
            used.continuous = continuous
        }
        return (parts.count == 1 ? parts[0] : Tensor.concatenate(parts, alongAxis: 1), used)
    }

    // MARK: - Sampling

    /// New examples in the data's layout and range (`[count] + exampleShape`, [0, 1] for
    /// images), from the averaged generator when one is kept, in evaluation mode.
    ///
    /// - Parameters:
    ///   - count: how many examples.
    ///   - labels: one class per example, for a conditional model (required there).
    ///   - categories: InfoGAN's categorical code per example (drawn when `nil`).
    ///   - continuous: InfoGAN's continuous codes `[count, continuousCodes]` (drawn when `nil`).
    ///   - temperature: the scale of the noise (1: the prior the model was trained on; below 1
    ///     the truncation trick, see ``generatorInput(count:codes:temperature:using:)``).
    ///   - jacobianKeep: below 1, Jacobian-based truncation: the fraction of noise draws kept,
    ///     those where the generator stretches the noise least (see
    ///     ``truncatedInput(count:codes:temperature:keep:projections:using:)``; not with
    ///     `continuous`).
    ///   - random: the source of the noise.
    public func sample(
        count: Int, labels: [Int]? = nil, categories: [Int]? = nil, continuous: Tensor? = nil,
        temperature: Float = 1, jacobianKeep: Float = 1, using random: inout some RandomNumberGenerator
    ) -> Tensor {
        let codes = GeneratorCodes(labels: labels, categories: categories, continuous: continuous)
        let input = jacobianKeep < 1
            ? truncatedInput(count: count, codes: codes, temperature: temperature, keep: jacobianKeep, using: &random)
            : generatorInput(count: count, codes: codes, temperature: temperature, using: &random).input
        return sample(input: input)
    }

    /// The samples for a generator input `[count, generatorInputSize]`, in data space.
    ///
    /// Runs in batches of 1,000 rows (evaluation mode makes rows independent), so that many
    /// samples at once need no more memory than 1,000.
    public func sample(input: Tensor) -> Tensor {
        withSamplingGenerator { network in
            let batches = Self.samplingBatches(of: input).map { toDataSpace(network($0)) }
            return batches.count == 1 ? batches[0] : Tensor.concatenate(batches, alongAxis: 0)
        }
    }

    /// Runs `body` on the generator that samples (the average when kept) in evaluation mode and
    /// without gradients, then restores its mode.
    func withSamplingGenerator<Result>(_ body: (Generator) -> Result) -> Result {
        let network = generatorAverage ?? generator
        let wasTraining = isTraining(network)
        network.eval()
        defer { network.setTraining(wasTraining) }
        return withoutGradients { body(network) }
    }

    /// `input`'s rows in batches of 1,000 (one batch when there are no more, or none).
    static func samplingBatches(of input: Tensor) -> [Tensor] {
        let rows = input.shape[0]
        guard rows > 1000 else { return [input] }
        return stride(from: 0, to: rows, by: 1000).map { start in
            input.sliced(start..<min(start + 1000, rows), alongAxis: 0)
        }
    }

    /// Data (`[batch] + exampleShape`, images in [0, 1]) in the generator's range.
    public func toModelSpace(_ data: Tensor) -> Tensor {
        configuration.output == .tanh ? data * 2 - 1 : data
    }

    /// Generator output mapped back to the data's range.
    public func toDataSpace(_ generated: Tensor) -> Tensor {
        configuration.output == .tanh ? (generated + 1) * 0.5 : generated
    }

    // MARK: - Moving average

    /// Gives the averaged generator BatchNorm statistics of its own weights.
    ///
    /// ``updateAverage(decay:)`` copies the generator's running statistics, which belong to the
    /// current weights, not to their average; normalising the average's activations with them
    /// spoils its samples (a DCGAN on MNIST after 4 epochs: classifier score 2.9 against 4.6
    /// with its own statistics). This runs the average in training mode on `batches` batches of
    /// `batchSize` generator inputs (labels cycled for a conditional model) and sets each
    /// BatchNorm's running statistics to their mean — Brock et al. 2019's "standing statistics".
    /// The noise comes from `seed` alone, so training's random stream is untouched. Nothing
    /// happens without an average or without BatchNorm in the generator.
    public func reestimateAverageStatistics(seed: UInt64, batches: Int = 16, batchSize: Int = 128) {
        guard let generatorAverage else { return }
        var random = SplitMix64(seed: seed)
        let classes = max(1, configuration.classCount)
        generatorAverage.reestimateBatchNormStatistics(batches: batches) { batch in
            let labels = configuration.isConditional
                ? (0..<batchSize).map { (batch * batchSize + $0) % classes } : nil
            let input = generatorInput(count: batchSize, codes: GeneratorCodes(labels: labels), using: &random).input
            _ = generatorAverage(input)
        }
    }

    /// Moves the averaged generator towards the generator: `average ← decay · average +
    /// (1 − decay) · current`; BatchNorm statistics are copied (see
    /// ``reestimateAverageStatistics(seed:batches:batchSize:)`` for the average's own).
    public func updateAverage(decay: Float) {
        guard let generatorAverage else { return }
        for (average, current) in zip(generatorAverage.parameters, generator.parameters) {
            let values = current.value.scalars
            average.updateInPlace { buffer in
                for index in buffer.indices {
                    buffer[index] = decay * buffer[index] + (1 - decay) * values[index]
                }
            }
        }
        for (average, current) in zip(generatorAverage.namedBuffers, generator.namedBuffers) {
            average.buffer.value = current.buffer.value
        }
    }

    static func copy(from source: Generator, to target: Generator) {
        for (to, from) in zip(target.parameters, source.parameters) {
            let values = from.value.scalars
            to.updateInPlace { buffer in for index in buffer.indices { buffer[index] = values[index] } }
        }
        for (to, from) in zip(target.namedBuffers, source.namedBuffers) {
            to.buffer.value = from.buffer.value
        }
    }

    private func isTraining(_ generator: Generator) -> Bool {
        generator.layers.layers.compactMap { $0 as? BatchNorm }.first?.isTraining ?? true
    }
}
