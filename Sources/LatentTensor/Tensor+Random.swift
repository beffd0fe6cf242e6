extension Tensor {
    /// Scalars drawn uniformly from `[lowerBound, upperBound)`.
    public init(
        randomUniform shape: [Int], lowerBound: Float = 0, upperBound: Float = 1,
        using generator: inout some RandomNumberGenerator
    ) {
        precondition(lowerBound <= upperBound, "Tensor(randomUniform:): lowerBound \(lowerBound) exceeds upperBound \(upperBound)")
        let width = upperBound - lowerBound
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        for index in 0..<storage.count { storage.base[index] = lowerBound + width * generator.nextUnitFloat() }
        self.init(shape: shape, storage: storage)
    }

    /// Scalars drawn from a normal distribution.
    public init(
        randomNormal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        using generator: inout some RandomNumberGenerator
    ) {
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        for index in 0..<storage.count {
            storage.base[index] = mean + standardDeviation * generator.nextStandardNormal()
        }
        self.init(shape: shape, storage: storage)
    }

    /// Ones with probability `probability` and zeros otherwise, for every element of `shape`.
    public init(randomBernoulli shape: [Int], probability: Float, using generator: inout some RandomNumberGenerator) {
        precondition((0...1).contains(probability), "Tensor(randomBernoulli:probability:): \(probability) is not in [0, 1]")
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        for index in 0..<storage.count { storage.base[index] = generator.nextUnitFloat() < probability ? 1 : 0 }
        self.init(shape: shape, storage: storage)
    }

    /// One Bernoulli draw per element, each with the probability held in `probabilities`.
    public init(randomBernoulli probabilities: Tensor, using generator: inout some RandomNumberGenerator) {
        let storage = TensorStorage(uninitializedCount: probabilities.scalarCount)
        let source = probabilities.storage.base
        for index in 0..<storage.count { storage.base[index] = generator.nextUnitFloat() < source[index] ? 1 : 0 }
        self.init(shape: probabilities.shape, storage: storage)
    }
}
