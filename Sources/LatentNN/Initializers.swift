import LatentTensor

/// Weight initialisers with PyTorch's formulas, each drawing from the generator it is passed.
///
/// Fans follow PyTorch's `_calculate_fan_in_and_fan_out`: for a weight of shape
/// `[a, b, k₁, k₂, …]`, `fanIn = b · k₁ · k₂ …` and `fanOut = a · k₁ · k₂ …`. A
/// transposed convolution's weight `[inputChannels, outputChannels, kH, kW]` therefore gets
/// `fanIn = outputChannels · kH · kW`, exactly as in PyTorch.
public enum Initializers {
    /// The fan-in and fan-out of a weight of the given shape (rank 2 or more).
    ///
    /// - Precondition: `shape` has at least two axes.
    public static func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(
            shape.count >= 2, "Initializers.fans(of:): needs a weight of rank ≥ 2, got \(shape)")
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptiveField, shape[0] * receptiveField)
    }

    /// The gain PyTorch's `calculate_gain` gives a (leaky) ReLU: `√(2 / (1 + negativeSlope²))`.
    public static func reluGain(negativeSlope: Float = 0) -> Float {
        (2 / (1 + negativeSlope * negativeSlope)).squareRoot()
    }

    /// Scalars drawn uniformly from `[−bound, bound)`.
    public static func uniform(
        _ shape: [Int], bound: Float, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        Tensor(randomUniform: shape, lowerBound: -bound, upperBound: bound, using: &generator)
    }

    /// Scalars drawn from `N(mean, standardDeviation²)`; `normal(shape, using:)` is DCGAN's
    /// `N(0, 0.02²)` (Radford et al. 2016).
    public static func normal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 0.02,
        using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        Tensor(
            randomNormal: shape, mean: mean, standardDeviation: standardDeviation, using: &generator
        )
    }

    /// He et al. 2015, uniform: `U(±gain · √(3 / fanIn))` with `gain = √(2 / (1 + a²))`
    /// (PyTorch's `kaiming_uniform_`, fan-in mode, leaky-ReLU gain).
    ///
    /// With `negativeSlope` √5 (PyTorch's default for Linear and Conv weights) the bound is
    /// `1 / √fanIn`.
    public static func kaimingUniform(
        _ shape: [Int], negativeSlope: Float = 0, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let bound =
            reluGain(negativeSlope: negativeSlope) * (3 / Float(fans(of: shape).fanIn)).squareRoot()
        return uniform(shape, bound: bound, using: &generator)
    }

    /// He et al. 2015, normal: `N(0, (gain / √fanIn)²)` with `gain = √(2 / (1 + a²))`
    /// (PyTorch's `kaiming_normal_`, fan-in mode; √2 for ReLU).
    public static func kaimingNormal(
        _ shape: [Int], negativeSlope: Float = 0, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let standardDeviation =
            reluGain(negativeSlope: negativeSlope) / Float(fans(of: shape).fanIn).squareRoot()
        return normal(shape, standardDeviation: standardDeviation, using: &generator)
    }

    /// Glorot and Bengio 2010, uniform: `U(±gain · √(6 / (fanIn + fanOut)))`
    /// (PyTorch's `xavier_uniform_`).
    public static func xavierUniform(
        _ shape: [Int], gain: Float = 1, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        return uniform(
            shape, bound: gain * (6 / Float(fanIn + fanOut)).squareRoot(), using: &generator)
    }

    /// Glorot and Bengio 2010, normal: `N(0, (gain · √(2 / (fanIn + fanOut)))²)`
    /// (PyTorch's `xavier_normal_`).
    public static func xavierNormal(
        _ shape: [Int], gain: Float = 1, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        let standardDeviation = gain * (2 / Float(fanIn + fanOut)).squareRoot()
        return normal(shape, standardDeviation: standardDeviation, using: &generator)
    }

    /// PyTorch's default weight of `nn.Linear` and `nn.Conv*d`: Kaiming-uniform with
    /// `a = √5`, which is `U(±1/√fanIn)`.
    public static func defaultWeight(
        _ shape: [Int], using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        kaimingUniform(shape, negativeSlope: Float(5).squareRoot(), using: &generator)
    }

    /// PyTorch's default bias of `nn.Linear` and `nn.Conv*d`: `U(±1/√fanIn)`, with the fan-in
    /// of the layer's weight.
    public static func defaultBias(
        _ shape: [Int], fanIn: Int, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        uniform(shape, bound: fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0, using: &generator)
    }
}

// MARK: - Whole models

extension Initializers {
    /// Re-initialises a model as DCGAN's `weights_init` does (Radford et al. 2016): every
    /// `Conv2d` and `ConvTranspose2d` weight from `N(0, 0.02²)`, every `BatchNorm` weight from
    /// `N(1, 0.02²)` with its bias set to 0. Other parameters (convolution biases, `Linear`
    /// layers) keep their values, as in the PyTorch example.
    ///
    /// Modules are visited depth-first in the order of their children, so the same generator
    /// state gives the same weights.
    public static func applyDCGAN(
        to module: any Module, using generator: inout some RandomNumberGenerator
    ) {
        switch module {
        case let conv as Conv2d: conv.weight.value = normal(conv.weight.shape, using: &generator)
        case let conv as ConvTranspose2d:
            conv.weight.value = normal(conv.weight.shape, using: &generator)
        case let norm as BatchNorm:
            norm.weight.value = normal(norm.weight.shape, mean: 1, using: &generator)
            norm.bias.value = Tensor(zeros: norm.bias.shape)
        default: break
        }
        for child in module.children { applyDCGAN(to: child.module, using: &generator) }
    }
}
