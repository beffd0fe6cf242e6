import LatentData
import LatentDistributed
import LatentNN
import LatentOptimizers
import LatentTensor

// MARK: - W2

/// A DCGAN training step on MNIST scaled to [−1, 1], batch 64: one discriminator step on a real
/// and a generated batch, then one generator step on the same generated batch (non-saturating
/// BCE with logits; Adam 2e-4, β = (0.5, 0.999) for both networks).
///
/// G: z(100) → Linear 128·7·7 → BatchNorm → ReLU → ConvTranspose(128→64, k4 s2 p1) → BN → ReLU →
/// ConvTranspose(64→1, k4 s2 p1) → tanh. D: Conv(1→64, k4 s2 p1) → LeakyReLU 0.2 →
/// Conv(64→128, k4 s2 p1) → BN → LeakyReLU 0.2 → Linear(128·7·7 → 1).
struct DCGANWorkload {
    let training: Dataset
    let project: Linear, normalize0: BatchNorm
    let deconv1: ConvTranspose2d, normalize1: BatchNorm, deconv2: ConvTranspose2d
    let conv1: Conv2d, conv2: Conv2d, normalize2: BatchNorm, classify: Linear
    static let batch = 64

    init(training: Dataset) {
        self.training = training
        var generator = SplitMix64(seed: 3)
        project = Linear(inputFeatures: 100, outputFeatures: 128 * 7 * 7, using: &generator)
        normalize0 = BatchNorm(featureCount: 128)
        deconv1 = ConvTranspose2d(
            inputChannels: 128, outputChannels: 64, kernelSize: 4, stride: 2, padding: 1,
            using: &generator)
        normalize1 = BatchNorm(featureCount: 64)
        deconv2 = ConvTranspose2d(
            inputChannels: 64, outputChannels: 1, kernelSize: 4, stride: 2, padding: 1,
            using: &generator)
        conv1 = Conv2d(
            inputChannels: 1, outputChannels: 64, kernelSize: 4, stride: 2, padding: 1,
            using: &generator)
        conv2 = Conv2d(
            inputChannels: 64, outputChannels: 128, kernelSize: 4, stride: 2, padding: 1,
            using: &generator)
        normalize2 = BatchNorm(featureCount: 128)
        classify = Linear(inputFeatures: 128 * 7 * 7, outputFeatures: 1, using: &generator)
    }

    var generatorParameters: [Parameter] {
        let layers: [any Module] = [project, normalize0, deconv1, normalize1, deconv2]
        return layers.flatMap(\.parameters)
    }
    var discriminatorParameters: [Parameter] {
        let layers: [any Module] = [conv1, conv2, normalize2, classify]
        return layers.flatMap(\.parameters)
    }

    func generate(_ z: Tensor) -> Tensor {
        let projected = normalize0(project(z).reshaped(to: [-1, 128, 7, 7])).relu()
        return deconv2(normalize1(deconv1(projected)).relu()).tanh()
    }

    func discriminate(_ images: Tensor) -> Tensor {
        let features = conv1(images).leakyReLU(negativeSlope: 0.2)
        let deeper = normalize2(conv2(features)).leakyReLU(negativeSlope: 0.2)
        return classify(deeper.reshaped(to: [-1, 128 * 7 * 7]))
    }

    /// Trains and reports; on several ranks each takes its share of every batch (its own noise
    /// for its share of the generated one), the gradients are added up weighed by the shares,
    /// and BatchNorm uses each rank's rows or, `synchronizedBatchNorm`, the whole batch's.
    func run(
        steps: Int, warmup: Int, world: any ProcessGroup = SingleProcessGroup(), synchronizedBatchNorm: Bool = false
    ) -> [(String, Report.Value)] {
        let batch = Self.batch
        let generatorOptimizer = Adam(learningRate: 2e-4, beta1: 0.5, beta2: 0.999)
        let discriminatorOptimizer = Adam(learningRate: 2e-4, beta1: 0.5, beta2: 0.999)
        let loader = DataLoader(dataset: training, batchSize: batch, shuffles: true, dropsLast: true, seed: 3)
        var batches = loader.batches(epoch: 0)
        var epoch = 0
        var generator = SplitMix64(seed: 4).forRank(of: world)
        if synchronizedBatchNorm {
            for norm in [normalize0, normalize1, normalize2] { world.synchronizeBatchNorm(in: norm) }
        }
        let rows = world.share(of: batch), weight = Float(world.share(of: batch).count) / Float(batch)
        let ones = Tensor(ones: [rows.count, 1]), zeros = Tensor(zeros: [rows.count, 1])
        let generatorParameters = generatorParameters, discriminatorParameters = discriminatorParameters
        var start = now()
        var lossD: Float = 0, lossG: Float = 0
        for step in 0..<(warmup + steps) {
            if step == warmup { start = now() }
            var next = batches.next()
            if next == nil {
                epoch += 1
                batches = loader.batches(epoch: epoch)
                next = batches.next()
            }
            guard let images = next else { break }
            let real = images.examples.sliced(rows, alongAxis: 0) * 2 - 1
            let z = Tensor(randomNormal: [rows.count, 100], using: &generator)
            let fake = generate(z)
            let discriminatorLoss =
                binaryCrossEntropy(logits: discriminate(real), labels: ones)
                + binaryCrossEntropy(logits: discriminate(fake.detached()), labels: zeros)
            discriminatorOptimizer.update(
                discriminatorParameters,
                with: world.combinedGradients(
                    discriminatorLoss.gradients(withRespectTo: discriminatorParameters.map(\.value)), weight: weight))
            let generatorLoss = binaryCrossEntropy(logits: discriminate(fake), labels: ones)
            generatorOptimizer.update(
                generatorParameters,
                with: world.combinedGradients(
                    generatorLoss.gradients(withRespectTo: generatorParameters.map(\.value)), weight: weight))
            (lossD, lossG) = (discriminatorLoss.scalar, generatorLoss.scalar)
        }
        let seconds = now() - start
        // The last step's losses over the whole batch (after the timing: one collective).
        let losses = world.sum([Double(lossD * weight), Double(lossG * weight)])
        (lossD, lossG) = (Float(losses[0]), Float(losses[1]))
        return [
            ("name", .text("W2")), ("workload", .text("dcgan-mnist")),
            ("steps_per_sec", .number(Double(steps) / seconds)), ("steps", .integer(steps)),
            ("sync_batch_norm", .text(synchronizedBatchNorm && world.size > 1 ? "yes" : "no")),
            ("loss_d", .number(Double(lossD))), ("loss_g", .number(Double(lossG))),
            ("peak_rss_mb", PeakMemory.megabytes.map { .number($0) } ?? .text("unknown")),
        ]
    }
}

// MARK: - W3

/// WGAN-GP (Gulrajani et al. 2017) on the 8-Gaussian ring (radius 2, σ 0.02): MLP generator
/// 2→512→512→512→2 and critic 2→512→512→512→1 with ReLU, penalty weight λ = 10 on
/// `(‖∇ₓD(x̂)‖ − 1)²` at random interpolates, 5 critic steps per generator step, Adam 1e-4,
/// β = (0.5, 0.9), batch 256. The penalty's gradient is taken through the critic's gradient
/// (`createsGraph: true`).
struct WGANGPWorkload {
    let generator: Sequential
    let critic: Sequential
    let ring = ToyDistribution.ring(count: 8, radius: 2, standardDeviation: 0.02)
    static let batch = 256, criticSteps = 5, penaltyWeight: Float = 10

    /// Sequentials of Linear and ReLU layers, as the PyTorch reference's `nn.Sequential`; each
    /// Linear runs with its ReLU fused into the bias.
    init() {
        var generator = SplitMix64(seed: 5)
        let sizes = [2, 512, 512, 512]
        func mlp(output: Int) -> Sequential {
            var layers: [any Layer] = []
            for index in 0..<4 {
                layers.append(Linear(
                    inputFeatures: sizes[index], outputFeatures: index == 3 ? output : sizes[index + 1],
                    using: &generator))
                if index < 3 { layers.append(ReLU()) }
            }
            return Sequential(layers)
        }
        self.generator = mlp(output: 2)
        critic = mlp(output: 1)
    }

    func run(steps: Int, warmup: Int) -> [(String, Report.Value)] {
        let batch = Self.batch
        let generatorOptimizer = Adam(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
        let criticOptimizer = Adam(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
        let generatorParameters = self.generator.parameters
        let criticParameters = critic.parameters
        var generator = SplitMix64(seed: 6)
        var start = now()
        var criticLoss: Float = 0, generatorLoss: Float = 0
        for step in 0..<(warmup + steps) {
            if step == warmup { start = now() }
            for _ in 0..<Self.criticSteps {
                let real = ring.sample(count: batch, using: &generator)
                let z = Tensor(randomNormal: [batch, 2], using: &generator)
                let fake = withoutGradients { self.generator(z) }
                let alpha = Tensor(randomUniform: [batch, 1], using: &generator)
                let interpolated = (alpha * real + (1 - alpha) * fake).requiringGradient()
                let inputGradient = critic(interpolated).sum()
                    .gradients(withRespectTo: [interpolated], createsGraph: true)[0]
                let norm = (inputGradient.squared().sum(alongAxis: 1) + 1e-12).sqrt()
                let penalty = (norm - 1).squared().mean()
                let loss = critic(fake).mean() - critic(real).mean()
                    + Self.penaltyWeight * penalty
                criticOptimizer.update(
                    criticParameters, with: loss.gradients(withRespectTo: criticParameters.map(\.value)))
                criticLoss = loss.scalar
            }
            let z = Tensor(randomNormal: [batch, 2], using: &generator)
            let loss = -critic(self.generator(z)).mean()
            generatorOptimizer.update(
                generatorParameters, with: loss.gradients(withRespectTo: generatorParameters.map(\.value)))
            generatorLoss = loss.scalar
        }
        let seconds = now() - start
        return [
            ("name", .text("W3")), ("workload", .text("wgan-gp-ring8")),
            ("generator_steps_per_sec", .number(Double(steps) / seconds)), ("steps", .integer(steps)),
            ("critic_loss", .number(Double(criticLoss))), ("generator_loss", .number(Double(generatorLoss))),
            ("peak_rss_mb", PeakMemory.megabytes.map { .number($0) } ?? .text("unknown")),
        ]
    }
}
