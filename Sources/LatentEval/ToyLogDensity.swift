import LatentData
import LatentTensor

/// The exact mean log-density of points under a 2-D toy whose density has a closed form: for a
/// model's samples, how much of the model's mass sits where the data lives (it is high for a
/// collapsed model too, so it is read beside ``ModeCoverage``).
public enum ToyLogDensity {
    /// The mean of `log p_toy(x)` over `points`, nats, with its standard error.
    ///
    /// Points where the density is zero (outside the checkerboard's squares) give −∞, and so
    /// does the mean: the report shows it as such rather than hiding it.
    ///
    /// - Parameters:
    ///   - points: `[N, 2]`.
    ///   - toy: a toy with ``ToyDistribution/hasExactDensity``.
    public static func mean(of points: Tensor, under toy: ToyDistribution) -> MeanEstimate {
        precondition(toy.hasExactDensity, "ToyLogDensity: \(toy) has no closed-form density")
        return MeanEstimate(of: toy.logDensity(points).scalars)
    }
}
