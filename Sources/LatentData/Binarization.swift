import LatentTensor

/// How grey-level images in [0, 1] are turned into binary {0, 1} images for Bernoulli decoders.
///
/// The likelihoods reported for binarised MNIST depend on the protocol, so runs record it.
public enum Binarization: Equatable, Sendable {
    /// The "static" protocol: each pixel is drawn once, `x ~ Bernoulli(p)`, from a seeded
    /// generator, and the same binary images are used in every epoch and every run with the seed.
    case fixed(seed: UInt64)
    /// The "dynamic" protocol: a fresh Bernoulli draw each time an image is put in a batch.
    case dynamic
    /// Deterministic: 1 where the grey level exceeds the threshold (usually 0.5), else 0.
    case threshold(Float)

    /// Parses `static`, `static:<seed>`, `dynamic`, `threshold` or `threshold:<level>`.
    ///
    /// - Throws: `DataError.invalidSpecification` for anything else.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first ?? "", parts.count) {
        case ("static", 1), ("fixed", 1): self = .fixed(seed: 0)
        case ("static", 2), ("fixed", 2):
            guard let seed = UInt64(parts[1]) else { throw Self.invalid(text) }
            self = .fixed(seed: seed)
        case ("dynamic", 1): self = .dynamic
        case ("threshold", 1): self = .threshold(0.5)
        case ("threshold", 2):
            guard let level = Float(parts[1]) else { throw Self.invalid(text) }
            self = .threshold(level)
        default: throw Self.invalid(text)
        }
    }

    private static func invalid(_ text: String) -> DataError {
        .invalidSpecification(
            text, detail: "binarisation must be static[:seed], dynamic or threshold[:level]")
    }
}

extension Dataset {
    /// The dataset with every value replaced by a Bernoulli draw with that value as probability
    /// (the "static" binarisation when the generator is seeded).
    ///
    /// - Parameter generator: The source of randomness.
    public func bernoulliSampled(using generator: inout some RandomNumberGenerator) -> Dataset {
        var result = self
        result.examples = Tensor(shape: examples.shape) { output in
            examples.withUnsafeScalars { input in
                for index in 0..<input.count {
                    output[index] = generator.nextUnitFloat() < input[index] ? 1 : 0
                }
            }
        }
        result.valueRange = 0...1
        result.name += "-bernoulli"
        return result
    }

    /// The dataset with values above `level` set to 1 and the others to 0.
    public func thresholded(at level: Float = 0.5) -> Dataset {
        var result = self
        result.examples = Tensor(shape: examples.shape) { output in
            examples.withUnsafeScalars { input in
                for index in 0..<input.count { output[index] = input[index] > level ? 1 : 0 }
            }
        }
        result.valueRange = 0...1
        result.name += "-threshold"
        return result
    }
}
