import Foundation
import LatentTensor

/// The 2-D toy distributions on which density estimates and mode collapse are measured exactly.
///
/// Named on the command line as `toy:<name>[?key=value&...]`. The mixtures follow VEEGAN
/// (Srivastava et al. 2017) and PacGAN (Lin et al. 2018); moons, circles, swiss roll,
/// checkerboard and pinwheel follow the toy data of FFJORD (Grathwohl et al. 2019).
public enum ToyDistribution: Equatable, Sendable {
    /// `count` isotropic Gaussians of standard deviation `standardDeviation`, equally weighted,
    /// centred at angles 2πk/count on a circle of `radius` (`toy:ring8`: 8, 1, 0.01).
    case ring(count: Int, radius: Double, standardDeviation: Double)
    /// `side²` isotropic Gaussians, equally weighted, centred on a square grid with `spacing`
    /// between neighbours, centred on the origin (`toy:grid25`: 5, 2, 0.05 → {−4,−2,0,2,4}²).
    case grid(side: Int, spacing: Double, standardDeviation: Double)
    /// Two interleaved half circles (scikit-learn's `make_moons`: outer (cos t, sin t), inner
    /// (1 − cos t, ½ − sin t), t ~ U[0, π], plus N(0, noise²)), then scaled by 2 and shifted by
    /// (−1, −0.2). Default noise 0.1.
    case moons(noise: Double)
    /// `make_swiss_roll`'s (x, z) plane: t = 1.5π(1 + 2u), (t cos t, t sin t) + N(0, noise²),
    /// divided by 5. Default noise 1.
    case swissRoll(noise: Double)
    /// Two concentric circles of radii 1 and `factor` (half the points each, uniform angle)
    /// plus N(0, noise²), scaled by 3. Defaults: factor 0.5, noise 0.08.
    case circles(factor: Double, noise: Double)
    /// Uniform on the 8 dark squares of a 4×4 checkerboard of side-2 squares covering
    /// [−4, 4]²: the squares where ⌊x/2⌋ + ⌊y/2⌋ is even. Density 1/32 there.
    case checkerboard
    /// `arms` rotated, radially stretched Gaussian arms (Johnson et al. 2016): features
    /// (1 + radialStd·ε₁, tangentialStd·ε₂) rotated by −(2πk/arms + rate·exp(f₁)), scaled by 2.
    /// Defaults: 5 arms, 0.3, 0.1, rate 0.25.
    case pinwheel(arms: Int, radialStd: Double, tangentialStd: Double, rate: Double)

    /// The names `toy:` accepts.
    public static let names = [
        "ring8", "grid25", "moons", "swissroll", "circles", "checkerboard", "pinwheel",
    ]

    /// The largest magnitude a real toy parameter may have (`radius`, `std`, `spacing`, ...).
    public static let maximumParameter = 1e6
    /// The smallest value a positive toy parameter may have.
    public static let minimumPositiveParameter = 1e-6
    /// The largest pinwheel `radial`: the arm angle grows like exp(radial · ε), and Box–Muller
    /// draws reach |ε| ≈ 8.6, so larger values overflow to infinite points.
    public static let maximumPinwheelRadial = 20.0
    /// The largest grid `side` (10,000 modes).
    public static let maximumGridSide = 100
    /// The most points the command-line tool draws at once (80 MB of Float32 pairs).
    public static let maximumSampleCount = 10_000_000

    /// Parses `ring8`, `grid25`, `moons`, ... with optional `?key=value&...` parameters.
    ///
    /// Keys: ring8 `radius`, `std`, `modes`; grid25 `spacing`, `std`, `side`; moons, swissroll
    /// and circles `noise` (circles also `factor`); pinwheel `arms`, `radial`, `tangential`,
    /// `rate`. Real parameters lie in [1e-6, 1e6] (`noise` in [0, 1e6], pinwheel `radial` up to
    /// 20); `modes` and `arms` are whole numbers up to 1000, `side` up to 100. Within these
    /// bounds every drawn point is finite.
    ///
    /// - Throws: `DataError.invalidSpecification` for an unknown name or key, a key given twice,
    ///   or a value that is not a number or lies outside its range (the message names the key).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            .map(String.init)
        let name = parts[0]
        var parameters = try SpecificationParameters(
            parsing: parts.count > 1 ? parts[1] : "", specification: "toy:" + text)
        let positive = Self.minimumPositiveParameter...Self.maximumParameter
        let nonNegative = 0...Self.maximumParameter
        switch name {
        case "ring8", "ring":
            self = .ring(
                count: try parameters.wholeNumber("modes", 8, in: 1...1000),
                radius: try parameters.number("radius", 1, in: positive),
                standardDeviation: try parameters.number("std", 0.01, in: positive))
        case "grid25", "grid":
            self = .grid(
                side: try parameters.wholeNumber("side", 5, in: 1...Self.maximumGridSide),
                spacing: try parameters.number("spacing", 2, in: positive),
                standardDeviation: try parameters.number("std", 0.05, in: positive))
        case "moons": self = .moons(noise: try parameters.number("noise", 0.1, in: nonNegative))
        case "swissroll":
            self = .swissRoll(noise: try parameters.number("noise", 1, in: nonNegative))
        case "circles":
            self = .circles(
                factor: try parameters.number("factor", 0.5, in: positive),
                noise: try parameters.number("noise", 0.08, in: nonNegative))
        case "checkerboard": self = .checkerboard
        case "pinwheel":
            self = .pinwheel(
                arms: try parameters.wholeNumber("arms", 5, in: 1...1000),
                radialStd: try parameters.number(
                    "radial", 0.3, in: Self.minimumPositiveParameter...Self.maximumPinwheelRadial),
                tangentialStd: try parameters.number("tangential", 0.1, in: positive),
                rate: try parameters.number("rate", 0.25, in: positive))
        default:
            throw DataError.invalidSpecification(
                "toy:" + text,
                detail: "unknown toy; valid: \(Self.names.joined(separator: ", "))")
        }
        try parameters.rejectUnknownKeys(for: name)
    }

    /// The Gaussian mixture behind `ring` and `grid`: its mode centres and common standard
    /// deviation, for mode-coverage metrics; `nil` for the other toys.
    public var mixture: GaussianMixture2D? {
        switch self {
        case .ring(let count, let radius, let std):
            let centres = (0..<count).map { k -> SIMD2<Double> in
                let angle = 2 * Double.pi * Double(k) / Double(count)
                return SIMD2(radius * cos(angle), radius * sin(angle))
            }
            return GaussianMixture2D(centres: centres, standardDeviation: std)
        case .grid(let side, let spacing, let std):
            let offset = Double(side - 1) / 2
            var centres: [SIMD2<Double>] = []
            for i in 0..<side {
                for j in 0..<side {
                    centres.append(
                        SIMD2((Double(i) - offset) * spacing, (Double(j) - offset) * spacing))
                }
            }
            return GaussianMixture2D(centres: centres, standardDeviation: std)
        default:
            return nil
        }
    }

    /// Whether `logDensity` has a closed form for this toy (mixtures, circles, checkerboard).
    public var hasExactDensity: Bool {
        switch self {
        case .ring, .grid, .circles, .checkerboard: return true
        case .moons, .swissRoll, .pinwheel: return false
        }
    }

    // MARK: - Sampling

    /// Draws `count` points.
    ///
    /// - Returns: `[count, 2]`.
    public func sample(count: Int, using generator: inout some RandomNumberGenerator) -> Tensor {
        precondition(count >= 0, "sample count must be non-negative, got \(count)")
        var values: [Float] = []
        values.reserveCapacity(2 * count)
        // Built once: rebuilding a 10,000-mode grid for every point took minutes.
        let mixture = self.mixture
        for index in 0..<count {
            let point = samplePoint(index: index, count: count, mixture: mixture, using: &generator)
            values += [Float(point.x), Float(point.y)]
        }
        return Tensor(shape: [count, 2], scalars: values)
    }

    private func samplePoint(
        index: Int, count: Int, mixture: GaussianMixture2D?,
        using g: inout some RandomNumberGenerator
    ) -> SIMD2<Double> {
        switch self {
        case .ring, .grid:
            let mixture = mixture!
            let centre = mixture.centres[Int.random(in: 0..<mixture.centres.count, using: &g)]
            return centre + mixture.standardDeviation * normalPair(&g)
        case .moons(let noise):
            let t = Double.pi * uniform(&g)
            // The two components alternate, so that every prefix of a split (a --test-limit,
            // the validation rows at the end of the training split) holds both.
            let base =
                index % 2 == 0
                ? SIMD2(cos(t), sin(t)) : SIMD2(1 - cos(t), 0.5 - sin(t))
            return 2 * (base + noise * normalPair(&g)) + SIMD2(-1, -0.2)
        case .swissRoll(let noise):
            let t = 1.5 * Double.pi * (1 + 2 * uniform(&g))
            return (SIMD2(t * cos(t), t * sin(t)) + noise * normalPair(&g)) / 5
        case .circles(let factor, let noise):
            let radius = index % 2 == 0 ? 1 : factor  // alternating, as the moons
            let angle = 2 * Double.pi * uniform(&g)
            return 3 * (radius * SIMD2(cos(angle), sin(angle)) + noise * normalPair(&g))
        case .checkerboard:
            let x = uniform(&g) * 4 - 2
            let lower = uniform(&g) - Double(Int.random(in: 0...1, using: &g) * 2)
            let parity = Double((Int(x.rounded(.down)) % 2 + 2) % 2)
            return 2 * SIMD2(x, lower + parity)
        case .pinwheel(let arms, let radialStd, let tangentialStd, let rate):
            let arm = Int.random(in: 0..<arms, using: &g)
            let noise = normalPair(&g)
            let feature = SIMD2(1 + radialStd * noise.x, tangentialStd * noise.y)
            let angle = 2 * Double.pi * Double(arm) / Double(arms) + rate * exp(feature.x)
            let (c, s) = (cos(angle), sin(angle))
            return 2 * SIMD2(feature.x * c + feature.y * s, -feature.x * s + feature.y * c)
        }
    }

    // MARK: - Density

    /// The exact log-density (natural log) at each point.
    ///
    /// - Parameter points: `[count, 2]`.
    /// - Returns: `[count]`; `-infinity` where the density is zero.
    /// - Precondition: `hasExactDensity` and `points` has shape `[count, 2]`.
    public func logDensity(_ points: Tensor) -> Tensor {
        precondition(hasExactDensity, "\(self) has no closed-form density")
        precondition(
            points.shape.count == 2 && points.shape[1] == 2,
            "logDensity needs points [count, 2], got \(points.shape)")
        let count = points.shape[0]
        return Tensor(shape: [count]) { output in
            points.withUnsafeScalars { input in
                for index in 0..<count {
                    let point = SIMD2(Double(input[2 * index]), Double(input[2 * index + 1]))
                    output[index] = Float(logDensity(at: point))
                }
            }
        }
    }

    /// The exact log-density at one point (Double precision).
    ///
    /// - Precondition: `hasExactDensity`.
    public func logDensity(at point: SIMD2<Double>) -> Double {
        switch self {
        case .ring, .grid:
            return mixture!.logDensity(at: point)
        case .checkerboard:
            guard (-4..<4).contains(point.x), (-4..<4).contains(point.y) else { return -.infinity }
            let column = Int((point.x / 2).rounded(.down))
            let row = Int((point.y / 2).rounded(.down))
            return (column + row) % 2 == 0 ? -log(32.0) : -.infinity
        case .circles(let factor, let noise):
            // Uniform angle on a circle of radius r plus N(0, σ²I) has the density
            // exp(−(|x|² + r²)/2σ²) I₀(r|x|/σ²) / (2πσ²).
            let sigma = 3 * noise
            let norm = (point * point).sum().squareRoot()
            let terms = [3.0, 3 * factor].map { radius -> Double in
                let z = radius * norm / (sigma * sigma)
                return -(norm * norm + radius * radius) / (2 * sigma * sigma) + logBesselI0(z)
                    - log(2 * Double.pi * sigma * sigma)
            }
            return logSumExp(terms) - log(2.0)
        case .moons, .swissRoll, .pinwheel:
            preconditionFailure("\(self) has no closed-form density")
        }
    }
}

// MARK: - Helpers

/// A uniform Double in [0, 1) with 53 random bits.
func uniform(_ generator: inout some RandomNumberGenerator) -> Double {
    Double(generator.next() >> 11) * 0x1p-53
}

/// Two independent standard normal draws (Box–Muller).
func normalPair(_ generator: inout some RandomNumberGenerator) -> SIMD2<Double> {
    let radius = (-2 * log(1 - uniform(&generator))).squareRoot()
    let angle = 2 * Double.pi * uniform(&generator)
    return SIMD2(radius * cos(angle), radius * sin(angle))
}

/// log Σ exp(terms), computed stably.
func logSumExp(_ terms: [Double]) -> Double {
    guard let largest = terms.max(), largest.isFinite else { return terms.max() ?? -.infinity }
    return largest + log(terms.reduce(0) { $0 + exp($1 - largest) })
}

/// log I₀(z) for z ≥ 0 (Abramowitz & Stegun 9.8.1–9.8.2, relative error below 2·10⁻⁷).
func logBesselI0(_ z: Double) -> Double {
    if z < 3.75 {
        let t = (z / 3.75) * (z / 3.75)
        let series =
            1 + t
            * (3.5156229 + t
                * (3.0899424 + t * (1.2067492 + t * (0.2659732 + t * (0.0360768 + t * 0.0045813)))))
        return log(series)
    }
    let t = 3.75 / z
    let scaled =
        0.39894228 + t
        * (0.01328592 + t
            * (0.00225319 + t
                * (-0.00157565 + t
                    * (0.00916281 + t
                        * (-0.02057706 + t * (0.02635537 + t * (-0.01647633 + t * 0.00392377)))))))
    return z - 0.5 * log(z) + log(scaled)
}
