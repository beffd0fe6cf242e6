/// A mean over evaluation points with its standard error.
public struct MeanEstimate: Sendable, Equatable {
    /// The mean.
    public let mean: Double
    /// The standard error of the mean: sample standard deviation (divisor n − 1) / √n; 0 for
    /// one value.
    public let standardError: Double
    /// The number of values.
    public let count: Int

    /// Creates an estimate.
    public init(mean: Double, standardError: Double, count: Int) {
        self.mean = mean
        self.standardError = standardError
        self.count = count
    }

    /// The mean and standard error of `values` (NaN for none), accumulated in Double.
    public init<Value: BinaryFloatingPoint>(of values: [Value]) {
        let (mean, standardError) = meanAndStandardError(values)
        self.init(mean: mean, standardError: standardError, count: values.count)
    }
}
