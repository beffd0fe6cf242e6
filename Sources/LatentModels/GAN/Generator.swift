import LatentNN
import LatentTensor

/// G(z): maps the generator input (noise, one-hot label, codes) to examples in model space.
///
/// Input `[batch, generatorInputSize]`; output `[batch] + exampleShape`, in the range of the
/// configured ``GeneratorOutput``. MLP generators (``AdversarialArchitecture/mlp`` and
/// ``AdversarialArchitecture/maxout``) use ReLU hidden layers (leaky ReLU with
/// ``AdversarialConfiguration/generatorNegativeSlope``, each after BatchNorm with
/// ``AdversarialConfiguration/generatorBatchNorm``); the convolutional one is DCGAN's:
/// a transposed convolution from the 1×1 input to `base × base`, then stride-2 transposed
/// convolutions (kernel 4, padding 1) that double the side, BatchNorm and ReLU between layers,
/// channels `width · 2^(upsamplings−1)` halving to the image's; with
/// ``AdversarialConfiguration/fullyConnectedWidth`` a fully connected layer (BatchNorm, ReLU)
/// comes first, as in InfoGAN. Parameters are named `layers.<index>.…`.
public final class Generator: Layer {
    /// How the model was built.
    public let configuration: AdversarialConfiguration
    /// The layers, input side first.
    public let layers: Sequential

    /// Builds the generator; convolutional weights follow DCGAN's N(0, 0.02²) initialisation.
    public init(
        _ configuration: AdversarialConfiguration,
        using generator: inout some RandomNumberGenerator
    ) {
        self.configuration = configuration
        var stack: [any Layer] = []
        if configuration.architecture == .convolutional, let layout = ConvolutionalLayout(configuration.exampleShape) {
            var channels = configuration.width << (layout.upsamplings - 1)
            var inputSize = configuration.generatorInputSize
            if let width = configuration.fullyConnectedWidth {
                stack += [Linear(inputFeatures: inputSize, outputFeatures: width, bias: false, using: &generator),
                          BatchNorm(featureCount: width), ReLU()]
                inputSize = width
            }
            stack.append(Unflatten(shape: [inputSize, 1, 1]))
            stack.append(ConvTranspose2d(
                inputChannels: inputSize, outputChannels: channels,
                kernelSize: layout.base, bias: false, using: &generator))
            stack += [BatchNorm(featureCount: channels), ReLU()]
            for index in 0..<layout.upsamplings {
                let isLast = index == layout.upsamplings - 1
                let next = isLast ? configuration.exampleShape[0] : channels / 2
                stack.append(ConvTranspose2d(
                    inputChannels: channels, outputChannels: next, kernelSize: 4, stride: 2,
                    padding: 1, bias: isLast, using: &generator))
                if !isLast { stack += [BatchNorm(featureCount: next), ReLU()] }
                channels = next
            }
        } else {
            let sizes = [configuration.generatorInputSize] + configuration.generatorHidden
            let slope = configuration.generatorNegativeSlope ?? 0
            for (input, output) in zip(sizes, sizes.dropFirst()) {
                stack.append(Linear(inputFeatures: input, outputFeatures: output, using: &generator))
                if configuration.generatorBatchNorm == true { stack.append(BatchNorm(featureCount: output)) }
                stack.append(slope > 0 ? LeakyReLU(negativeSlope: slope) : ReLU())
            }
            stack.append(Linear(
                inputFeatures: sizes.last!, outputFeatures: configuration.featureCount,
                using: &generator))
            if configuration.isImage { stack.append(Unflatten(shape: configuration.exampleShape)) }
        }
        switch configuration.output {
        case .sigmoid: stack.append(Sigmoid())
        case .tanh: stack.append(Tanh())
        case .linear: break
        }
        layers = Sequential(stack)
        if configuration.architecture == .convolutional {
            Initializers.applyDCGAN(to: layers, using: &generator)
        }
    }

    public var children: [(name: String, module: any Module)] { [("layers", layers)] }

    /// Examples in model space, `[batch] + exampleShape`, for inputs `[batch, inputSize]`.
    ///
    /// - Precondition: the input is `[batch, generatorInputSize]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 2 && input.shape[1] == configuration.generatorInputSize,
            "Generator: input \(input.shape) is not [batch, \(configuration.generatorInputSize)]")
        return layers(input)
    }
}
