import LatentNN
import LatentTensor

/// The convolutional front of a variational encoder (``VariationalArchitecture/convolutional``):
/// stride-2 convolutions (kernel 4, padding 1), each followed by the hidden nonlinearity, from
/// `[batch, channels, side, side]` down to the layout's base side, then flattened to
/// `[batch, featureCount]` for the fully connected layers. Parameters `layers.<index>.…`.
public final class ConvolutionalEncoderFront: Module {
    /// The convolutions, pixel side first.
    public let layers: [Conv2d]
    /// The nonlinearity after every convolution.
    public let activation: Activation
    /// The size of the flattened last feature map.
    public let featureCount: Int

    /// Builds the convolutions for images of `imageShape` with `width` channels in the first,
    /// doubling per halving; PyTorch's default initialisation.
    ///
    /// - Precondition: `imageShape` has a ``ConvolutionalLayout``.
    public init(
        imageShape: [Int], width: Int, activation: Activation, using generator: inout some RandomNumberGenerator
    ) {
        guard let layout = ConvolutionalLayout(imageShape) else {
            preconditionFailure("ConvolutionalEncoderFront: no convolutional layout for images \(imageShape)")
        }
        var layers: [Conv2d] = []
        var channels = imageShape[0]
        for index in 0..<layout.upsamplings {
            let next = width << index
            layers.append(Conv2d(inputChannels: channels, outputChannels: next, kernelSize: 4, stride: 2,
                                 padding: 1, using: &generator))
            channels = next
        }
        self.layers = layers
        self.activation = activation
        featureCount = channels * layout.base * layout.base
    }

    public var children: [(name: String, module: any Module)] { [("layers", LayerList(layers))] }

    /// `[batch, featureCount]` features of images `[batch, channels, side, side]`.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        var hidden = images
        for layer in layers { hidden = activation(layer(hidden)) }
        return hidden.reshaped(to: [hidden.shape[0], featureCount])
    }
}

/// The convolutional end of a variational decoder: the nonlinearity on the fully connected
/// layers' last output, reshaped to the encoder's last feature map, then stride-2 transposed
/// convolutions (kernel 4, padding 1) that double the side back to the image's, the nonlinearity
/// between them, and `channels · outputsPerPixel` output channels, flattened channel-major to
/// `[batch, features · outputsPerPixel]` as ``Likelihood`` reads them. Parameters
/// `layers.<index>.…`.
public final class ConvolutionalDecoderEnd: Module {
    /// The transposed convolutions, feature-map side first.
    public let layers: [ConvTranspose2d]
    /// The nonlinearity before every transposed convolution.
    public let activation: Activation
    /// The shape of the feature map the fully connected layers' output is read as.
    public let featureShape: [Int]

    /// The mirror of ``ConvolutionalEncoderFront`` for `imageShape`, with `outputsPerPixel`
    /// output channels per image channel.
    public init(
        imageShape: [Int], width: Int, outputsPerPixel: Int, activation: Activation,
        using generator: inout some RandomNumberGenerator
    ) {
        guard let layout = ConvolutionalLayout(imageShape) else {
            preconditionFailure("ConvolutionalDecoderEnd: no convolutional layout for images \(imageShape)")
        }
        var layers: [ConvTranspose2d] = []
        var channels = width << (layout.upsamplings - 1)
        featureShape = [channels, layout.base, layout.base]
        for index in (0..<layout.upsamplings).reversed() {
            let next = index == 0 ? imageShape[0] * outputsPerPixel : width << (index - 1)
            layers.append(ConvTranspose2d(inputChannels: channels, outputChannels: next, kernelSize: 4, stride: 2,
                                          padding: 1, using: &generator))
            channels = next
        }
        self.layers = layers
        self.activation = activation
    }

    /// The number of inputs: the size of the feature map.
    public var featureCount: Int { featureShape.reduce(1, *) }

    public var children: [(name: String, module: any Module)] { [("layers", LayerList(layers))] }

    /// Decoder outputs `[batch, features · outputsPerPixel]` for `[batch, featureCount]` inputs.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var hidden = activation(input).reshaped(to: [input.shape[0]] + featureShape)
        for (index, layer) in layers.enumerated() {
            hidden = layer(hidden)
            if index < layers.count - 1 { hidden = activation(hidden) }
        }
        return hidden.reshaped(to: [input.shape[0], hidden.scalarCount / input.shape[0]])
    }

    /// The output layer's per-channel bias.
    var outputBias: Parameter? { layers.last?.bias }
}
