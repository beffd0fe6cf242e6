import LatentData
import LatentModels
import LatentNN
import LatentOptimizers
import LatentTensor

// MARK: - W4

/// The convolutional VAE of `latent train vae --architecture conv`, built by LatentModels as a
/// user trains it: two stride-2 convolutions (1 → 32 → 64 channels, kernel 4, padding 1, ReLU)
/// from 28 to 7 pixels, 3136-400-(20, 20), then 20-400-3136 and two transposed convolutions
/// back, Bernoulli decoder (BCE with logits summed over pixels) + analytic KL, the loss averaged
/// over the batch, Adam 1e-3, batch 128, MNIST intensities in [0, 1].
struct ConvolutionalVAEWorkload {
    let training: Dataset
    let test: Dataset

    func run(epochs: Int, batches limit: Int?) -> [(String, Report.Value)] {
        var configuration = VariationalConfiguration()
        configuration.architecture = .convolutional
        var generator = SplitMix64(seed: 1)
        let model = VariationalAutoencoder(configuration, using: &generator)
        let parameters = model.parameters
        let optimizer = Adam(learningRate: 1e-3)
        let loader = DataLoader(dataset: training, batchSize: 128, shuffles: true, dropsLast: false, seed: 1)
        var noise = SplitMix64(seed: 2)
        let (times, trainLoss) = timedEpochs(loader: loader, epochs: epochs, batches: limit) { examples in
            let objective = model.objective(examples, using: &noise)
            optimizer.update(parameters, with: objective.loss.gradients(withRespectTo: parameters.map(\.value)))
            return Double(objective.bound.scalar) * Double(examples.shape[0])
        }
        let testLoss = withoutGradients { () -> Double in
            var total = 0.0
            for start in stride(from: 0, to: test.count, by: 128) {
                let x = test.examples.sliced(start..<min(start + 128, test.count), alongAxis: 0)
                total += Double(model.objective(x, using: &noise).bound.scalar) * Double(x.shape[0])
            }
            return total / Double(test.count)
        }
        return epochReport(
            name: "W4", workload: "conv-vae", epochTimes: times,
            batches: min(limit ?? loader.batchCount, loader.batchCount),
            trainLoss: trainLoss, testLoss: testLoss)
    }
}
