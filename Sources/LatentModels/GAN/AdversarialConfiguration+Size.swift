extension AdversarialConfiguration {
    /// The weight matrices of the generator and discriminator this configuration builds
    /// (convolutions with their kernel area folded into the rows; maxout's pieces into the
    /// columns), computed without building them.
    var weightMatrices: [(rows: Double, columns: Double)] {
        let features = exampleShape.reduce(1.0) { $0 * Double($1) }
        let input = Double(noiseDimension) + Double(classCount + categoricalCode + continuousCodes)
        let condition = Double(labelProjection == true ? 0 : classCount)
        let packed = Double(packedExamples)
        var matrices: [(rows: Double, columns: Double)] = []
        if architecture == .convolutional, let layout = ConvolutionalLayout(exampleShape) {
            let widths = (0..<layout.upsamplings).map { Double(width) * Double(1 << $0) }
            let area = Double(layout.base * layout.base)
            let fullyConnected = fullyConnectedWidth.map(Double.init)
            // G: the optional fully connected layer, the base × base transposed convolution,
            // then 4 × 4 ones halving the channels; D: 4 × 4 convolutions doubling them.
            if let fullyConnected { matrices.append((rows: input, columns: fullyConnected)) }
            matrices.append((rows: (fullyConnected ?? input) * area, columns: widths.last!))
            matrices += WeightSizeLimit.kernelChain(widths.reversed())
            let channels = [(Double(exampleShape[0]) + condition) * packed] + widths
            matrices += WeightSizeLimit.kernelChain(channels)
            if let fullyConnected { matrices.append((rows: widths.last! * area, columns: fullyConnected)) }
        } else {
            let pieces = Double(architecture == .maxout ? maxoutPieces : 1)
            matrices += WeightSizeLimit.chain([input] + generatorHidden.map(Double.init) + [features])
            matrices += WeightSizeLimit.chain([(features + condition) * packed] + discriminatorHidden.map(Double.init))
                .map { (rows: $0.rows, columns: $0.columns * pieces) }
        }
        return matrices
    }

    /// Throws when one layer's weights would take more than ``WeightSizeLimit/bytes``.
    func checkWeightSizes() throws {
        try WeightSizeLimit.check(
            weightMatrices, options: "--noise, --g-hidden, --d-hidden, --fc-width, --width and --pack")
    }
}
