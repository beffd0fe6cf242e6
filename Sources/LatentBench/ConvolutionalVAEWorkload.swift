import LatentData
import LatentDistributed
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

    /// Trains and reports; on several ranks each takes its share of every batch, weighted by
    /// its rows in the whole batch's mean.
    func run(epochs: Int, batches limit: Int?, world: any ProcessGroup) -> [(String, Report.Value)] {
        var configuration = VariationalConfiguration()
        configuration.architecture = .convolutional
        var generator = SplitMix64(seed: 1)
        let model = VariationalAutoencoder(configuration, using: &generator)
        let parameters = model.parameters
        let optimizer = Adam(learningRate: 1e-3)
        let loader = DataLoader(dataset: training, batchSize: 128, shuffles: true, dropsLast: false, seed: 1)
        var noise = SplitMix64(seed: 2).forRank(of: world)
        world.synchronize(model)
        let (times, trainLoss) = timedEpochs(loader: loader, epochs: epochs, batches: limit) { examples in
            let count = examples.shape[0], rows = world.share(of: count)
            let objective = model.objective(examples.sliced(rows, alongAxis: 0), using: &noise)
            let gradients = objective.loss.gradients(withRespectTo: parameters.map(\.value))
            optimizer.update(parameters, with: world.combinedGradients(gradients, weight: Float(rows.count) / Float(count)))
            return world.sum([Double(objective.bound.scalar) * Double(rows.count)])[0]
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
