extension VariationalConfiguration {
    /// The weight matrices of the model this configuration builds (convolutions with their
    /// kernel area folded into the rows), computed without building it.
    var weightMatrices: [(rows: Double, columns: Double)] {
        let features = imageShape.reduce(1.0) { $0 * Double($1) }
        let condition = Double(isConditional ? classCount : 0)
        let latent = Double(latentDimension)
        let code = kind == .ae ? latent : 2 * latent
        let hidden = self.hidden.map(Double.init)
        var matrices: [(rows: Double, columns: Double)] = []
        var flat = features
        if architecture == .convolutional, let layout = ConvolutionalLayout(imageShape) {
            // Stride-2 convolutions (kernel 4 × 4) from the image's channels, `width` doubling.
            let channels = [Double(imageShape[0])]
                + (0..<layout.upsamplings).map { Double(convolutionWidth) * Double(1 << $0) }
            matrices += WeightSizeLimit.kernelChain(channels)
            flat = channels.last! * Double(layout.base * layout.base)
        }
        let outputs = architecture == .convolutional ? flat : flat * Double(likelihood.outputsPerPixel)
        matrices += WeightSizeLimit.chain([flat + condition] + hidden + [code])
        matrices += WeightSizeLimit.chain([latent + condition] + hidden.reversed() + [outputs])
        return matrices
    }

    /// Throws when one layer's weights would take more than ``WeightSizeLimit/bytes``.
    func checkWeightSizes() throws {
        try WeightSizeLimit.check(weightMatrices, options: "--hidden, --latent and --width")
    }
}
