import Foundation
import LatentNN
import LatentTensor

/// A latent-variable model p(z) = N(0, I), p(x|z) a neural decoder, with an encoder
/// q(z|x) = N(μ(x), diag σ²(x)): the AE, VAE, β-VAE, IWAE and CVAE of ``VariationalKind``.
///
/// Images arrive as `[batch, channels, height, width]` (or already flat `[batch, features]`);
/// labels, for the conditional model, as class indices.
public final class VariationalAutoencoder: Module {
    /// How the model was built.
    public let configuration: VariationalConfiguration
    /// x (and the one-hot label) → μ and log σ² (or the code itself for the AE); with
    /// convolutions, it reads the features of ``encoderFront``.
    public let encoder: MultilayerPerceptron
    /// z (and the one-hot label) → the parameters of p(x|z); with convolutions, the input of
    /// ``decoderEnd``.
    public let decoder: MultilayerPerceptron
    /// The convolutions before the encoder's fully connected layers, in a convolutional model.
    public let encoderFront: ConvolutionalEncoderFront?
    /// The transposed convolutions after the decoder's fully connected layers, in a
    /// convolutional model.
    public let decoderEnd: ConvolutionalDecoderEnd?

    /// Builds the model with PyTorch's default initialisation.
    public init(_ configuration: VariationalConfiguration, using generator: inout some RandomNumberGenerator) {
        self.configuration = configuration
        let condition = configuration.classCount * (configuration.isConditional ? 1 : 0)
        let latent = configuration.latentDimension
        let codeSize = configuration.kind == .ae ? latent : 2 * latent
        let outputs = configuration.featureCount * configuration.likelihood.outputsPerPixel
        switch configuration.architecture {
        case .mlp:
            encoderFront = nil
            decoderEnd = nil
            encoder = MultilayerPerceptron(
                sizes: [configuration.featureCount + condition] + configuration.hidden + [codeSize],
                activation: configuration.activation, using: &generator)
            decoder = MultilayerPerceptron(
                sizes: [latent + condition] + configuration.hidden.reversed() + [outputs],
                activation: configuration.activation, using: &generator)
        case .convolutional:
            let front = ConvolutionalEncoderFront(
                imageShape: configuration.imageShape, width: configuration.convolutionWidth,
                activation: configuration.activation, using: &generator)
            encoderFront = front
            encoder = MultilayerPerceptron(
                sizes: [front.featureCount + condition] + configuration.hidden + [codeSize],
                activation: configuration.activation, using: &generator)
            decoder = MultilayerPerceptron(
                sizes: [latent + condition] + configuration.hidden.reversed() + [front.featureCount],
                activation: configuration.activation, using: &generator)
            decoderEnd = ConvolutionalDecoderEnd(
                imageShape: configuration.imageShape, width: configuration.convolutionWidth,
                outputsPerPixel: configuration.likelihood.outputsPerPixel,
                activation: configuration.activation, using: &generator)
        }
    }

    public var children: [(name: String, module: any Module)] {
        (encoderFront.map { [("encoder_front", $0 as any Module)] } ?? [])
            + [("encoder", encoder), ("decoder", decoder)]
            + (decoderEnd.map { [("decoder_end", $0 as any Module)] } ?? [])
    }

    /// The parameters of q(z|x): the encoder's, convolutions included. The gradient-variance
    /// diagnostic compares the estimators on these.
    public var encoderParameters: [Parameter] {
        (encoderFront?.parameters ?? []) + encoder.parameters
    }

    // MARK: - Encoder and decoder

    /// The parameters of q(z|x): mean and log-variance, each `[batch, latent]`. For the AE the
    /// log-variance is −∞ in effect: the mean is the code.
    public func encode(_ images: Tensor, labels: [Int]? = nil) -> (mean: Tensor, logVariance: Tensor) {
        var features = flat(images)
        if let encoderFront {
            features = encoderFront(features.reshaped(to: [features.shape[0]] + configuration.imageShape))
        }
        let output = encoder(conditioned(features, on: labels))
        if configuration.kind == .ae {
            return (output, Tensor(shape: output.shape, repeating: -.infinity))
        }
        let halves = output.split(sizes: [configuration.latentDimension, configuration.latentDimension], alongAxis: 1)
        return (halves[0], halves[1])
    }

    /// The parameters of p(x|z) for codes `[batch, latent]`: `[batch, features · outputsPerPixel]`.
    public func decode(_ codes: Tensor, labels: [Int]? = nil) -> Tensor {
        let output = decoder(conditioned(codes, on: labels))
        return decoderEnd.map { $0(output) } ?? output
    }

    /// The mean of p(x|z) as images `[batch, channels, height, width]`.
    public func decodeMean(_ codes: Tensor, labels: [Int]? = nil) -> Tensor {
        let parameters = decode(codes, labels: labels)
        return configuration.likelihood.mean(parameters: parameters, features: configuration.featureCount)
            .reshaped(to: [codes.shape[0]] + configuration.imageShape)
    }

    /// Sets the decoder's output bias to the logits of the training set's pixel means, as the
    /// IWAE paper's code does, so training starts from the average image. A convolutional
    /// decoder has one output bias per channel: it starts at the logit of the channel's mean.
    ///
    /// - Parameter pixelMeans: `[features]` means in [0, 1].
    public func initializeOutputBias(pixelMeans: Tensor) {
        precondition(pixelMeans.scalarCount == configuration.featureCount,
                     "initializeOutputBias: \(pixelMeans.scalarCount) means for \(configuration.featureCount) features")
        var means = pixelMeans.scalars
        let bias: Parameter?
        if let decoderEnd {
            let channels = configuration.imageShape[0], pixels = configuration.featureCount / channels
            means = (0..<channels).map { channel in
                means[(channel * pixels)..<((channel + 1) * pixels)].reduce(0, +) / Float(pixels)
            }
            bias = decoderEnd.outputBias
        } else {
            bias = decoder.layers.last?.bias
        }
        guard let bias else { return }
        bias.updateInPlace { buffer in
            for (index, mean) in means.enumerated() {
                switch configuration.likelihood {
                case .bernoulli, .continuousBernoulli:
                    let p = min(max(mean, 1e-3), 1 - 1e-3)
                    buffer[index] = Foundation.log(p / (1 - p))
                case .gaussian, .gaussianLearnedVariance: buffer[index] = mean
                }
            }
        }
    }

    // MARK: - Training objectives

    /// The training loss on a minibatch and its parts, each averaged over the batch.
    ///
    /// - Returns: `loss` to minimise (whose gradient is the chosen estimator's), and the
    ///   monitored negative ELBO (or the k-sample bound for IWAE), reconstruction term
    ///   −E log p(x|z), and KL(q‖p).
    public func objective(
        _ images: Tensor, labels: [Int]? = nil, baseline: Float = 0,
        using generator: inout some RandomNumberGenerator
    ) -> VariationalObjective {
        let x = flat(images)
        let (mean, logVariance) = encode(x, labels: labels)
        switch configuration.kind {
        case .ae:
            let reconstruction = -configuration.likelihood.logProbability(
                of: x, parameters: decode(mean, labels: labels),
                fixedStandardDeviation: configuration.outputStandardDeviation).mean()
            return VariationalObjective(loss: reconstruction, bound: reconstruction, reconstruction: reconstruction,
                                        kl: Tensor(0), signal: 0)
        case .iwae:
            let logWeights = importanceLogWeights(x, labels: labels, mean: mean, logVariance: logVariance,
                                                  samples: configuration.importanceSamples, using: &generator)
            let bound = -(logWeights.logSumExp(alongAxis: 0) - Float.log(Float(configuration.importanceSamples))).mean()
            return VariationalObjective(loss: bound, bound: bound, reconstruction: Tensor(.nan), kl: Tensor(.nan),
                                        signal: 0)
        case .vae, .betaVAE, .cvae:
            let kl = klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance, reduction: .mean)
            let beta = configuration.kind == .betaVAE ? configuration.beta : 1
            switch configuration.estimator {
            case .reparameterization:
                let samples = configuration.importanceSamples
                let codes = reparameterize(mean: mean, logVariance: logVariance, samples: samples, using: &generator)
                let reconstruction = -configuration.likelihood.logProbability(
                    of: x, parameters: decode(codes, labels: labels.map { repeatLabels($0, samples) }),
                    fixedStandardDeviation: configuration.outputStandardDeviation).mean()
                return VariationalObjective(loss: reconstruction + beta * kl, bound: reconstruction + kl,
                                            reconstruction: reconstruction, kl: kl, signal: 0)
            case .scoreFunction:
                return scoreFunctionObjective(x, labels: labels, mean: mean, logVariance: logVariance, kl: kl,
                                              beta: beta, baseline: baseline, using: &generator)
            }
        }
    }

    /// The REINFORCE surrogate: the encoder's gradient is E[(f − b) ∇ log q(z|x)] with
    /// f = log p(x|z) − β(log q(z|x) − log p(z)) and z held fixed; the decoder's is ∇ log p(x|z).
    private func scoreFunctionObjective(
        _ x: Tensor, labels: [Int]?, mean: Tensor, logVariance: Tensor, kl: Tensor, beta: Float,
        baseline: Float, using generator: inout some RandomNumberGenerator
    ) -> VariationalObjective {
        let batch = Float(x.shape[0])
        let codes = reparameterize(mean: mean, logVariance: logVariance, samples: 1, using: &generator).detached()
        let logQ = diagonalGaussianLogDensity(codes, mean: mean, logVariance: logVariance)
        let logPrior = diagonalGaussianLogDensity(codes, mean: Tensor(0), logVariance: Tensor(0))
        let logLikelihood = configuration.likelihood.logProbability(
            of: x, parameters: decode(codes, labels: labels),
            fixedStandardDeviation: configuration.outputStandardDeviation)
        let signal = (logLikelihood + beta * (logPrior - logQ)).detached()
        let surrogate = -((signal - baseline) * logQ + logLikelihood).sum() / batch
        let reconstruction = -logLikelihood.mean()
        return VariationalObjective(loss: surrogate, bound: reconstruction.detached() + kl.detached(),
                                    reconstruction: reconstruction, kl: kl, signal: signal.mean().scalar)
    }

    /// `k` draws z = μ + σ·ε per example, stacked sample-major: `[k · batch, latent]`.
    public func reparameterize(
        mean: Tensor, logVariance: Tensor, samples: Int = 1, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let noise = Tensor(randomNormal: [samples] + mean.shape, using: &generator)
        let codes = mean + (0.5 * logVariance).exp() * noise
        return codes.reshaped(to: [samples * mean.shape[0], mean.shape[1]])
    }

    /// `log p(x, z_k) − log q(z_k|x)` for `k` reparameterised draws per example: `[k, batch]`.
    public func importanceLogWeights(
        _ x: Tensor, labels: [Int]?, mean: Tensor, logVariance: Tensor, samples: Int,
        using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let batch = x.shape[0], latent = mean.shape[1]
        let noise = Tensor(randomNormal: [samples, batch, latent], using: &generator)
        let codes = mean + (0.5 * logVariance).exp() * noise  // [k, batch, latent]
        let flatCodes = codes.reshaped(to: [samples * batch, latent])
        let logLikelihood = configuration.likelihood.logProbability(
            of: x, parameters: decode(flatCodes, labels: labels.map { repeatLabels($0, samples) }),
            fixedStandardDeviation: configuration.outputStandardDeviation
        ).reshaped(to: [samples, batch])
        // log q(z|x) with z = μ + σε is −½ Σ (ε² + log σ² + log 2π), exact and cheap, and
        // log p(z) = −½ Σ (z² + log 2π); their difference needs no 2π and fewer passes.
        let logRatio = 0.5 * ((noise.squared() - codes.squared()).sum(alongAxis: 2) + logVariance.sum(alongAxis: 1))
        return logLikelihood + logRatio
    }

    // MARK: - Helpers

    /// Images flattened to `[batch, features]`.
    func flat(_ images: Tensor) -> Tensor {
        let features = configuration.featureCount
        precondition(images.scalarCount % features == 0 && images.shape.dropFirst().reduce(1, *) == features,
                     "VariationalAutoencoder: data of shape \(images.shape) does not match the model's example shape \(configuration.imageShape)")
        return images.rank == 2 ? images : images.reshaped(to: [images.shape[0], features])
    }

    /// The input with a one-hot label appended for the conditional model.
    func conditioned(_ input: Tensor, on labels: [Int]?) -> Tensor {
        guard configuration.isConditional else { return input }
        guard let labels else { preconditionFailure("cvae: labels are required") }
        precondition(labels.count == input.shape[0], "cvae: \(labels.count) labels for a batch of \(input.shape[0])")
        return Tensor.concatenate([input, oneHot(labels, classes: configuration.classCount)], alongAxis: 1)
    }

    private func repeatLabels(_ labels: [Int], _ samples: Int) -> [Int] {
        samples == 1 ? labels : Array((0..<samples).map { _ in labels }.joined())
    }
}

/// The parts of a variational objective on one minibatch.
public struct VariationalObjective {
    /// What the optimiser minimises.
    public let loss: Tensor
    /// The negative ELBO (or negative k-sample bound), nats per example.
    public let bound: Tensor
    /// −E_q log p(x|z), nats per example.
    public let reconstruction: Tensor
    /// KL(q(z|x) ‖ p(z)), nats per example.
    public let kl: Tensor
    /// The mean learning signal of the score-function estimator (for its moving baseline).
    public let signal: Float
}

/// One-hot rows `[count, classes]` for class indices.
public func oneHot(_ labels: [Int], classes: Int) -> Tensor {
    Tensor(shape: [labels.count, classes]) { buffer in
        buffer.initialize(repeating: 0)
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "oneHot: label \(label) is not in 0..<\(classes)")
            buffer[row * classes + label] = 1
        }
    }
}

/// `log N(z; μ, diag exp(logVariance))` summed over the last axis: `[batch]`.
public func diagonalGaussianLogDensity(_ z: Tensor, mean: Tensor, logVariance: Tensor) -> Tensor {
    -0.5 * ((z - mean).squared() / logVariance.exp() + logVariance + Float.log(2 * Float.pi)).sum(alongAxis: -1)
}
