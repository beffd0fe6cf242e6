import LatentTensor

/// Serves a dataset as mini-batches: seeded shuffling, an optional short last batch, and
/// binarisation.
///
/// Each epoch's order is a pure function of `seed` and the epoch index, so the same seed gives
/// the same batches in every run, and an epoch can be replayed after resuming.
///
/// ```swift
/// let loader = DataLoader(dataset: mnist, batchSize: 128, binarization: .dynamic, seed: 1)
/// for epoch in 0..<10 {
///     for batch in loader.batches(epoch: epoch) { train(on: batch.examples) }
/// }
/// ```
public struct DataLoader: Sendable {
    /// The examples served (already binarised for `.fixed` and `.threshold`).
    public let dataset: Dataset
    /// The number of examples per batch.
    public let batchSize: Int
    /// Whether each epoch visits the examples in a fresh seeded random order.
    public let shuffles: Bool
    /// Whether a last batch smaller than `batchSize` is dropped.
    public let dropsLast: Bool
    /// The binarisation applied, if any.
    public let binarization: Binarization?
    /// The seed of the shuffling and of dynamic binarisation.
    public let seed: UInt64

    /// Creates a loader.
    ///
    /// - Parameters:
    ///   - dataset: The examples.
    ///   - batchSize: Examples per batch.
    ///   - shuffles: Whether to shuffle each epoch (default `true`).
    ///   - dropsLast: Whether to drop a short last batch (default `false`).
    ///   - binarization: `nil` for grey levels, or a binarisation protocol.
    ///   - seed: The seed of the shuffling and of dynamic binarisation.
    /// - Precondition: `batchSize > 0`.
    public init(
        dataset: Dataset, batchSize: Int, shuffles: Bool = true, dropsLast: Bool = false,
        binarization: Binarization? = nil, seed: UInt64 = 0
    ) {
        precondition(batchSize > 0, "batchSize must be positive, got \(batchSize)")
        switch binarization {
        case .fixed(let binarizationSeed)?:
            var generator = SplitMix64(seed: binarizationSeed)
            self.dataset = dataset.bernoulliSampled(using: &generator)
        case .threshold(let level)?:
            self.dataset = dataset.thresholded(at: level)
        case .dynamic?, nil:
            self.dataset = dataset
        }
        self.batchSize = batchSize
        self.shuffles = shuffles
        self.dropsLast = dropsLast
        self.binarization = binarization
        self.seed = seed
    }

    /// The number of batches in one epoch.
    public var batchCount: Int {
        dropsLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The order in which epoch `epoch` visits the examples.
    public func order(epoch: Int) -> [Int] {
        var order = Array(0..<dataset.count)
        if shuffles {
            var generator = SplitMix64(seed: mixedSeed(epoch: epoch, stream: 1))
            order.shuffle(using: &generator)
        }
        return order
    }

    /// The batches of epoch `epoch`, in order.
    public func batches(epoch: Int) -> Batches {
        Batches(
            loader: self, order: order(epoch: epoch),
            generator: SplitMix64(seed: mixedSeed(epoch: epoch, stream: 2)))
    }

    /// A distinct seed per (seed, epoch, purpose), so shuffling and binarisation never share
    /// random numbers.
    private func mixedSeed(epoch: Int, stream: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9))
        return generator.next() ^ stream &* 0xD1B5_4A32_D192_ED03
    }

    /// One epoch's batches; each iteration allocates the batch and nothing else.
    public struct Batches: Sequence, IteratorProtocol, Sendable {
        let loader: DataLoader
        let order: [Int]
        var generator: SplitMix64
        var position = 0

        /// The next batch, or `nil` at the end of the epoch.
        public mutating func next() -> Batch? {
            let remaining = order.count - position
            let size = Swift.min(loader.batchSize, remaining)
            guard size > 0, size == loader.batchSize || !loader.dropsLast else { return nil }
            let indices = Array(order[position..<(position + size)])
            position += size
            let rowSize = loader.dataset.exampleSize
            let isDynamic = loader.binarization == .dynamic
            let examples = Tensor(shape: [size] + loader.dataset.exampleShape) { output in
                loader.dataset.examples.withUnsafeScalars { input in
                    for (row, index) in indices.enumerated() {
                        let source = input.baseAddress! + index * rowSize
                        let target = output.baseAddress! + row * rowSize
                        if isDynamic {
                            for k in 0..<rowSize {
                                target[k] = generator.nextUnitFloat() < source[k] ? 1 : 0
                            }
                        } else {
                            target.update(from: source, count: rowSize)
                        }
                    }
                }
            }
            let labels = loader.dataset.labels.map { labels in indices.map { labels[$0] } }
            return Batch(examples: examples, labels: labels, indices: indices)
        }
    }
}

/// A mini-batch: examples `[batchSize, ...]`, their labels and their indices in the dataset.
public struct Batch: Sendable {
    /// The examples, stacked along axis 0.
    public let examples: Tensor
    /// Their labels, when the dataset has labels.
    public let labels: [Int]?
    /// Their positions in the loader's dataset.
    public let indices: [Int]
}
