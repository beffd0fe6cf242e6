import Foundation
import LatentData
import LatentNN
import LatentTensor

/// The pictures a variational run leaves: samples, reconstructions, interpolations,
/// traversals and, for 2-D latents, the decoded manifold and the codes of the test set.
public enum VariationalPictures {
    /// Writes samples, reconstructions and an interpolation (and the 2-D pictures when the
    /// latent space has two dimensions) into the run folder.
    /// Data that is not images (`[channels, height, width]` with 1 or 3 channels) gets no image
    /// grids; 2-D points get a scatter of samples over the test data instead.
    public static func writeAll(model: VariationalAutoencoder, test: Dataset, folder: RunFolder, seed: UInt64) throws {
        guard isImage(model) else {
            if model.configuration.imageShape == [2] {
                var generator = SplitMix64(seed: seed).derived(0x5A)
                let points = samples(model: model, count: min(test.count, 2500), labels: nil, temperature: 1, using: &generator)
                try RunPicture.write(ScatterPlot.comparing(data: test.examples, samples: points), to: folder.file("samples.png"))
            }
            return
        }
        try writeSamples(model: model, to: folder.file("samples.png"), seed: seed)
        try writePNG(reconstructions(model: model, data: test, count: 32), columns: 16, to: folder.file("reconstructions.png"))
        if test.count >= 2 {
            try writePNG(interpolation(model: model, data: test, from: 0, to: 1, steps: 10, spherical: false),
                         columns: 10, to: folder.file("interpolation.png"))
        }
        if model.configuration.latentDimension == 2 {
            try writePNG(manifold(model: model, size: 20), columns: 20, to: folder.file("manifold.png"))
        }
    }

    /// Writes a grid of 64 samples drawn from the prior with a fixed seed.
    ///
    /// - Returns: the picture, or `nil` when the examples are not images (nothing is written).
    @discardableResult
    public static func writeSamples(
        model: VariationalAutoencoder, to url: URL, seed: UInt64, count: Int = 64
    ) throws -> RunPicture? {
        guard isImage(model) else { return nil }
        var generator = SplitMix64(seed: seed).derived(0x5A)
        let labels = model.configuration.isConditional ? (0..<count).map { $0 % model.configuration.classCount } : nil
        let images = samples(model: model, count: count, labels: labels, temperature: 1, using: &generator)
        let picture = ImageGrid.render(images, columns: model.configuration.isConditional ? model.configuration.classCount : 8)
        return try RunPicture.write(picture, to: url)
    }

    /// Means of p(x|z) for z ~ N(0, temperature²·I): `[count, channels, height, width]`.
    public static func samples(
        model: VariationalAutoencoder, count: Int, labels: [Int]?, temperature: Float,
        using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        model.eval()
        defer { model.train() }
        return withoutGradients {
            let codes = Tensor(randomNormal: [count, model.configuration.latentDimension],
                               standardDeviation: temperature, using: &generator)
            return model.decodeMean(codes, labels: labels)
        }
    }

    /// Rows of 16: the first `count` examples in one row and their reconstructions (from the
    /// posterior mean) in the row below.
    public static func reconstructions(model: VariationalAutoencoder, data: Dataset, count: Int) -> Tensor {
        let count = min(count, data.count)
        model.eval()
        defer { model.train() }
        return withoutGradients {
            let originals = data.examples.sliced(0..<count, alongAxis: 0)
            let labels = model.configuration.isConditional ? data.labels.map { Array($0[0..<count]) } : nil
            let (mean, _) = model.encode(originals, labels: labels)
            let rebuilt = model.decodeMean(mean, labels: labels)
            var rows: [Tensor] = []
            for start in stride(from: 0, to: count, by: 16) {
                let range = start..<min(start + 16, count)
                rows.append(originals.sliced(range, alongAxis: 0))
                rows.append(rebuilt.sliced(range, alongAxis: 0))
            }
            return Tensor.concatenate(rows, alongAxis: 0)
        }
    }

    /// Decoded points between the codes (posterior means) of examples `from` and `to`:
    /// `steps` images, linear or spherical (Shoemake's slerp, as White 2016 suggests).
    public static func interpolation(
        model: VariationalAutoencoder, data: Dataset, from: Int, to: Int, steps: Int, spherical: Bool
    ) -> Tensor {
        precondition(steps >= 2, "interpolation needs at least 2 steps")
        model.eval()
        defer { model.train() }
        return withoutGradients {
            let pair = data.examples.gathered(indices: [from, to], alongAxis: 0)
            let labels = model.configuration.isConditional ? data.labels.map { [$0[from], $0[to]] } : nil
            let codes = model.encode(pair, labels: labels).mean.scalars
            let size = model.configuration.latentDimension
            let a = Array(codes[0..<size]), b = Array(codes[size..<(2 * size)])
            var points: [Float] = []
            for step in 0..<steps {
                let t = Float(step) / Float(steps - 1)
                points += spherical ? slerp(a, b, t) : zip(a, b).map { $0 + t * ($1 - $0) }
            }
            let stepLabels = labels.map { pair in (0..<steps).map { $0 < steps / 2 ? pair[0] : pair[1] } }
            return model.decodeMean(Tensor(shape: [steps, size], scalars: points), labels: stepLabels)
        }
    }

    /// One row per latent dimension: that coordinate swept over [−3, 3] with the others 0.
    public static func traversal(model: VariationalAutoencoder, steps: Int = 10, label: Int? = nil) -> Tensor {
        let size = model.configuration.latentDimension
        var points: [Float] = []
        for dimension in 0..<size {
            for step in 0..<steps {
                var code = [Float](repeating: 0, count: size)
                code[dimension] = -3 + 6 * Float(step) / Float(steps - 1)
                points += code
            }
        }
        model.eval()
        defer { model.train() }
        let labels = model.configuration.isConditional ? [Int](repeating: label ?? 0, count: size * steps) : nil
        return withoutGradients { model.decodeMean(Tensor(shape: [size * steps, size], scalars: points), labels: labels) }
    }

    /// For a 2-D latent space: decoded means on a `size × size` grid of prior quantiles.
    public static func manifold(model: VariationalAutoencoder, size: Int) -> Tensor {
        precondition(model.configuration.latentDimension == 2, "the manifold picture needs a 2-D latent space")
        var points: [Float] = []
        for row in 0..<size {
            for column in 0..<size {
                // Evenly spaced quantiles of N(0, 1), as Kingma & Welling's Figure 4.
                points += [normalQuantile((Float(column) + 0.5) / Float(size)),
                           normalQuantile(1 - (Float(row) + 0.5) / Float(size))]
            }
        }
        model.eval()
        defer { model.train() }
        let labels = model.configuration.isConditional ? [Int](repeating: 0, count: size * size) : nil
        return withoutGradients { model.decodeMean(Tensor(shape: [size * size, 2], scalars: points), labels: labels) }
    }

    /// For a 2-D latent space: the posterior means of `data` scattered, coloured by label
    /// (ten distinct colours, cycling beyond ten classes).
    public static func codeScatter(model: VariationalAutoencoder, data: Dataset, limit: Int = 5000) -> PNGImage {
        precondition(model.configuration.latentDimension == 2, "the code scatter needs a 2-D latent space")
        let count = min(limit, data.count)
        let palette: [ScatterPlot.Color] = [
            .init(red: 31, green: 119, blue: 180), .init(red: 255, green: 127, blue: 14), .init(red: 44, green: 160, blue: 44),
            .init(red: 214, green: 39, blue: 40), .init(red: 148, green: 103, blue: 189), .init(red: 140, green: 86, blue: 75),
            .init(red: 227, green: 119, blue: 194), .init(red: 127, green: 127, blue: 127), .init(red: 188, green: 189, blue: 34),
            .init(red: 23, green: 190, blue: 207),
        ]
        model.eval()
        defer { model.train() }
        let codes = withoutGradients {
            Tensor.concatenate(stride(from: 0, to: count, by: 1000).map { start in
                let range = start..<min(start + 1000, count)
                let labels = model.configuration.isConditional ? data.labels.map { Array($0[range]) } : nil
                return model.encode(data.examples.sliced(range, alongAxis: 0), labels: labels).mean
            }, alongAxis: 0)
        }
        var plot = ScatterPlot(size: 512, bounds: -4...4)
        let labels = data.labels ?? [Int](repeating: 0, count: data.count)
        for label in Set(labels.prefix(count)).sorted() {
            let indices = (0..<count).filter { labels[$0] == label }
            plot.add(codes.gathered(indices: indices, alongAxis: 0), color: palette[label % palette.count])
        }
        return plot.rendered()
    }

    /// Whether the model's examples are images a grid can show.
    public static func isImage(_ model: VariationalAutoencoder) -> Bool {
        let shape = model.configuration.imageShape
        return shape.count == 3 && (shape[0] == 1 || shape[0] == 3)
    }

    /// Writes images as a PNG grid.
    public static func writePNG(_ images: Tensor, columns: Int, to url: URL) throws {
        try RunPicture.write(ImageGrid.render(images, columns: columns), to: url)
    }

    static func slerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
        let normA = a.map { $0 * $0 }.reduce(0, +).squareRoot(), normB = b.map { $0 * $0 }.reduce(0, +).squareRoot()
        let cosine = zip(a, b).map { $0 * $1 }.reduce(0, +) / max(normA * normB, 1e-12)
        let omega = acos(min(max(cosine, -1), 1))
        if omega < 1e-4 { return zip(a, b).map { $0 + t * ($1 - $0) } }
        let wa = sin((1 - t) * omega) / sin(omega), wb = sin(t * omega) / sin(omega)
        return zip(a, b).map { wa * $0 + wb * $1 }
    }

    /// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
    static func normalQuantile(_ p: Float) -> Float {
        let p = Double(p)
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * Foundation.log(p)).squareRoot()
            return Float((((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1))
        }
        if p > 1 - low { return -normalQuantile(Float(1 - p)) }
        let q = p - 0.5, r = q * q
        return Float((((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1))
    }
}
