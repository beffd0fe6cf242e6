import LatentTensor

extension Dataset {
    /// The smallest and largest value the examples actually hold (`valueRange` is what the
    /// source declares); `nil` for an empty dataset or one holding NaN.
    public var observedRange: ClosedRange<Float>? {
        examples.withUnsafeScalars { scalars in
            guard var low = scalars.first else { return nil }
            var high = low
            for value in scalars {
                guard !value.isNaN else { return nil }
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            }
            return low...high
        }
    }
}
