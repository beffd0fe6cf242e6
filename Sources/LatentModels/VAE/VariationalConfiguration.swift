/// Which member of the variational family a model is.
public enum VariationalKind: String, Codable, CaseIterable, Sendable {
    /// Deterministic autoencoder: reconstruction loss only, the baseline the VAE improves on.
    case ae
    /// Variational autoencoder (Kingma & Welling 2014): maximises the ELBO.
    case vae
    /// β-VAE (Higgins et al. 2017): reconstruction − β·KL.
    case betaVAE = "beta-vae"
    /// Importance-weighted autoencoder (Burda et al. 2016): the k-sample bound.
    case iwae
    /// Conditional VAE (Sohn et al. 2015): encoder and decoder see the one-hot label.
    case cvae
}

/// How the gradient passes through the sampling step z ~ q(z|x).
public enum GradientEstimator: String, Codable, CaseIterable, Sendable {
    /// z = μ + σ·ε (Kingma & Welling 2014): low variance, the default.
    case reparameterization
    /// REINFORCE: ∇ log q(z|x) · (log p(x,z) − log q(z|x) − baseline) (Williams 1992).
    case scoreFunction = "score-function"
}

/// Everything needed to rebuild a variational model; stored as the run's `config.json`.
public struct VariationalConfiguration: Codable, Equatable, Sendable {
    /// The family member.
    public var kind: VariationalKind = .vae
    /// The shape of one example: `[channels, height, width]` for images, `[2]` for 2-D points.
    public var imageShape: [Int] = [1, 28, 28]
    /// The dimension of z.
    public var latentDimension: Int = 20
    /// Hidden layer sizes of the encoder (the decoder mirrors them).
    public var hidden: [Int] = [400]
    /// The hidden nonlinearity.
    public var activation: Activation = .relu
    /// The decoder's distribution p(x|z).
    public var likelihood: Likelihood = .bernoulli
    /// σ of the fixed-variance Gaussian likelihood.
    public var outputStandardDeviation: Float = 0.1
    /// The KL weight (β-VAE); 1 for the other members.
    public var beta: Float = 1
    /// Samples of z per example in the training bound (IWAE's k).
    public var importanceSamples: Int = 1
    /// Number of classes the model is conditioned on (cvae), else 0.
    public var classCount: Int = 0
    /// The gradient estimator for the encoder.
    public var estimator: GradientEstimator = .reparameterization
    /// Subtract a moving-average baseline in the score-function estimator.
    public var usesBaseline: Bool = true

    /// The default configuration: PyTorch's `examples/vae` (784-400-20, ReLU, Bernoulli).
    public init() {}

    /// The number of scalars in one example.
    public var featureCount: Int { imageShape.reduce(1, *) }

    /// Whether the model is conditioned on labels.
    public var isConditional: Bool { kind == .cvae }

    /// Checks the values; a user error names the offending field.
    public func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ConfigurationError(message) }
        }
        try require(latentDimension > 0, "latent dimension must be positive, got \(latentDimension)")
        try require(hidden.allSatisfy { $0 > 0 }, "hidden sizes must be positive, got \(hidden)")
        try require(!imageShape.isEmpty && imageShape.allSatisfy { $0 > 0 },
                    "example shape must be non-empty and positive, got \(imageShape)")
        try require(beta >= 0, "--beta must be non-negative, got \(beta)")
        try require(importanceSamples >= 1, "--importance-samples must be at least 1, got \(importanceSamples)")
        try require(outputStandardDeviation > 0, "output standard deviation must be positive")
        try require(kind != .cvae || classCount >= 2, "cvae needs a labelled dataset with at least 2 classes")
        try require(kind != .ae || estimator == .reparameterization,
                    "the deterministic autoencoder has no sampling step for --estimator score-function")
    }
}

/// A configuration value a user gave that cannot work.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, in one line.
    public let description: String
    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
