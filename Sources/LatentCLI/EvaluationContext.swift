import Foundation
import LatentData
import LatentEval
import LatentModels
import LatentTensor

/// Samples drawn once and shared by the metrics of one evaluation.
final class SampleCache {
    var value: (Tensor, [Int]?)?
}

/// Measures one trained run.
struct EvaluationContext {
    let trained: TrainedRun
    let source: DataSource
    let test: Dataset
    let command: EvalCommand
    /// The model's samples, drawn once for every sample-based metric (they share the seed).
    private let drawn = SampleCache()

    init(trained: TrainedRun, source: DataSource, test: Dataset, command: EvalCommand) {
        self.trained = trained
        self.source = source
        self.test = test
        self.command = command
    }

    /// Throws the one-line refusal ``measure(_:into:)`` would give for a metric this run cannot
    /// have (a metric of another model, data of another kind), so that a list of metrics is
    /// refused before its first one runs. Refusals that need the data's contents come later.
    func check(_ metric: MetricName) throws {
        let isClassifier: Bool
        if case .classifier = trained.model { isClassifier = true } else { isClassifier = false }
        switch metric {
        case .elbo, .nll, .activeUnits, .klPerDimension, .gradientVariance:
            _ = try latentVariableModel(for: metric)
        case .accuracy:
            if !isClassifier { throw Self.accuracyRefusal(trained) }
        case .nearestNeighbours:
            guard isImages(test) else { throw RunError("--metrics nearest-neighbours needs image data") }
            if isClassifier { throw RunError("--metrics nearest-neighbours needs a generative model") }
        case .codeAccuracy:
            guard case .adversarial(let model) = trained.model, model.configuration.categoricalCode > 0 else {
                throw RunError("--metrics code-accuracy needs a model with a categorical code (infogan)")
            }
            guard isImages(test) else { throw RunError("--metrics code-accuracy needs image data") }
        case .labelAccuracy:
            try refuseUnconditional()
            if isClassifier { throw Self.generativeRefusal(metric, trained) }
            try SampleMetrics.checkData(for: metric, test: test, source: source)
        case .parzen, .frechet, .classifierScore, .precisionRecall, .densityCoverage, .modes, .toyDensity:
            if isClassifier { throw Self.generativeRefusal(metric, trained) }
            try SampleMetrics.checkData(for: metric, test: test, source: source)
        }
    }

    static func accuracyRefusal(_ trained: TrainedRun) -> RunError {
        RunError("--metrics accuracy needs a classifier; \(trained.folder.url.path) holds a \(trained.configuration.model)")
    }

    static func generativeRefusal(_ metric: MetricName, _ trained: TrainedRun) -> RunError {
        RunError("--metrics \(metric.rawValue) needs a generative model; \(trained.folder.url.path) holds a classifier")
    }

    /// Refuses label accuracy for a model that is not conditioned on labels.
    private func refuseUnconditional() throws {
        switch trained.model {
        case .variational(let model) where !model.configuration.isConditional:
            throw RunError("--metrics label-accuracy needs a conditional model (cvae, cgan)")
        case .adversarial(let model) where !model.configuration.isConditional:
            throw RunError("--metrics label-accuracy needs a conditional model (cvae, cgan)")
        default: break
        }
    }

    func measure(_ metric: MetricName, into report: inout EvaluationReport) throws {
        switch metric {
        case .elbo, .nll, .activeUnits, .klPerDimension, .gradientVariance:
            let model = try latentVariableModel(for: metric)
            let data = try VariationalProtocol.testSet(test, for: trained.configuration)
            try measureVariational(metric, model, on: data, into: &report)
        case .accuracy:
            guard case .classifier(let model) = trained.model else { throw Self.accuracyRefusal(trained) }
            report.record("test_accuracy", .number(Double(ClassifierEvaluation.accuracy(model, on: test))),
                          protocol: "\(test.count) \(trained.configuration.dataset) test \(exampleNoun(test))")
        case .nearestNeighbours:
            guard isImages(test) else { throw RunError("--metrics nearest-neighbours needs image data") }
            var generator = SplitMix64(seed: command.seed).derived(0x99)
            let samples: Tensor
            switch trained.model {
            case .variational(let model):
                let labels = model.configuration.isConditional ? (0..<16).map { $0 % model.configuration.classCount } : nil
                samples = VariationalPictures.samples(
                    model: model, count: 16, labels: labels, temperature: command.temperature, using: &generator)
            case .adversarial(let model):
                let labels = model.configuration.classCount > 0 ? (0..<16).map { $0 % model.configuration.classCount } : nil
                samples = model.sample(count: 16, labels: labels, temperature: command.temperature,
                                       jacobianKeep: command.jacobianKeep, using: &generator)
            case .classifier:
                throw RunError("--metrics nearest-neighbours needs a generative model")
            }
            let training = try source.load(.train, dataDirectory: command.dataDir)
            // Five neighbours, or every training image of a smaller folder.
            let count = min(5, training.count)
            let neighbours = NearestNeighbours.indices(of: samples, in: training.examples, count: count)
            let rows = (0..<16).map { row in
                Tensor.concatenate([samples.sliced(row..<(row + 1), alongAxis: 0),
                                    training.examples.gathered(indices: neighbours[row], alongAxis: 0)], alongAxis: 0)
            }
            let url = trained.folder.file("nearest-neighbours.png")
            try ImageGrid.render(Tensor.concatenate(rows, alongAxis: 0), columns: 1 + count).write(to: url.path)
            report.record("nearest_neighbours_png", .text(url.path),
                          protocol: "each row a sample, then its \(count) nearest training images (Euclidean, pixel space)")
        case .codeAccuracy:
            try measureCodeAccuracy(into: &report)
        case .parzen, .frechet, .classifierScore, .precisionRecall, .densityCoverage, .labelAccuracy, .modes, .toyDensity:
            let (samples, labels) = try generate(metric)
            let ofWhat = "\(samples.shape[0]) samples of \(trained.folder.url.lastPathComponent) (\(trained.configuration.model))"
                + command.samplingPhrase
            try SampleMetrics(command: command, test: test, source: source, picturesFolder: trained.folder.url)
                .measure(metric, samples: samples, labels: labels, ofWhat: ofWhat,
                         onWhat: ofWhat + " against \(test.count) test examples", into: &report)
        }
    }

    /// InfoGAN's categorical code against the classifier's classes: `--samples` samples with
    /// the codes cycled, each code assigned the class that maximises the matched count.
    private func measureCodeAccuracy(into report: inout EvaluationReport) throws {
        guard case .adversarial(let model) = trained.model, model.configuration.categoricalCode > 0 else {
            throw RunError("--metrics code-accuracy needs a model with a categorical code (infogan)")
        }
        guard isImages(test) else { throw RunError("--metrics code-accuracy needs image data") }
        let classifier = try ShippedClassifier.load(
            command.classifier, reading: test.exampleShape, of: source.description, for: "--metrics code-accuracy")
        let codeCount = model.configuration.categoricalCode
        // The predictions are the classifier's classes, whatever the data's labels are.
        let classCount = classifier.configuration.classCount
        guard codeCount > classCount || classCount <= 20 else {
            throw RunError("--metrics code-accuracy matches \(codeCount) codes one-to-one to at most 20 classes; the classifier has \(classCount)")
        }
        let codes = (0..<command.samples).map { $0 % codeCount }
        var generator = SplitMix64(seed: command.seed).derived(0xC0DE)
        let predicted = stride(from: 0, to: codes.count, by: 1000).flatMap { start -> [Int] in
            let range = start..<min(start + 1000, codes.count)
            let samples = model.sample(
                count: range.count, categories: Array(codes[range]), temperature: command.temperature,
                jacobianKeep: command.jacobianKeep, using: &generator)
            return classifier.predictions(samples)
        }
        let result = CodeAccuracy.measure(codes: codes, predicted: predicted, codeCount: codeCount, classCount: classCount)
        report.record("code_accuracy", .number(result.accuracy),
                      protocol: "\(codes.count) samples of \(trained.folder.url.lastPathComponent)"
                          + command.samplingPhrase + " with the "
                          + "\(codeCount) categories cycled, classified by the \(command.classifier.map { "classifier \($0)" } ?? "MNIST classifier"); best "
                          + (codeCount <= classCount ? "one-to-one" : "many-to-one")
                          + " code-to-class assignment \(result.assignment)")
    }

    /// Samples in the data's layout and range, with the labels they were conditioned on; drawn
    /// on the first call, the same ones after.
    private func generate(_ metric: MetricName) throws -> (Tensor, [Int]?) {
        if metric == .labelAccuracy { try refuseUnconditional() }
        let samples = try drawn.value ?? draw(metric)
        drawn.value = samples
        return samples
    }

    private func draw(_ metric: MetricName) throws -> (Tensor, [Int]?) {
        var generator = SplitMix64(seed: command.seed).derived(0x5A3)
        let count = command.samples
        switch trained.model {
        case .variational(let model):
            let classes = model.configuration.classCount
            let labels = model.configuration.isConditional ? (0..<count).map { $0 % classes } : nil
            let chunks = stride(from: 0, to: count, by: 1000).map { start -> Tensor in
                let range = start..<min(start + 1000, count)
                return VariationalPictures.samples(model: model, count: range.count, labels: labels.map { Array($0[range]) },
                                                   temperature: command.temperature, using: &generator)
            }
            return (Tensor.concatenate(chunks, alongAxis: 0), labels)
        case .adversarial(let model):
            let classes = model.configuration.classCount
            let labels = classes > 0 ? (0..<count).map { $0 % classes } : nil
            let chunks = stride(from: 0, to: count, by: 1000).map { start -> Tensor in
                let range = start..<min(start + 1000, count)
                return model.sample(count: range.count, labels: labels.map { Array($0[range]) },
                                    temperature: command.temperature, jacobianKeep: command.jacobianKeep,
                                    using: &generator)
            }
            return (Tensor.concatenate(chunks, alongAxis: 0), labels)
        case .classifier:
            throw Self.generativeRefusal(metric, trained)
        }
    }

    /// The run's model when it is a member of the variational family that has `metric`, else a
    /// one-line error naming the members that have it (the library's preconditions would stop
    /// the process instead).
    private func latentVariableModel(for metric: MetricName) throws -> VariationalAutoencoder {
        let needs: String, members: [VariationalKind]
        switch metric {
        case .nll:
            (needs, members) = ("a likelihood p(x)", VariationalKind.allCases.filter { $0 != .ae })
        case .klPerDimension:
            (needs, members) = ("a posterior q(z|x)", VariationalKind.allCases.filter { $0 != .ae })
        case .gradientVariance:
            (needs, members) = ("both encoder gradient estimators, reparameterisation and score function",
                                GradientVariance.measurableKinds)
        default:
            (needs, members) = ("a latent-variable model", VariationalKind.allCases)
        }
        if case .variational(let model) = trained.model, members.contains(model.configuration.kind) { return model }
        let held = trained.configuration.model
        throw RunError("--metrics \(metric.rawValue) needs \(needs) (\(members.map(\.rawValue).joined(separator: ", "))); "
            + "\(trained.folder.url.path) holds \("aeiou".contains(held.prefix(1)) ? "an" : "a") \(held)"
            + (held == VariationalKind.ae.rawValue ? " (the deterministic autoencoder)" : ""))
    }

    private func measureVariational(
        _ metric: MetricName, _ model: VariationalAutoencoder, on data: Dataset, into report: inout EvaluationReport
    ) throws {
        let onWhat = "\(data.count) \(trained.configuration.dataset) test examples"
        switch metric {
        case .elbo:
            let result = VariationalEvaluation.measure(model, on: data, seed: command.seed)
            report.record(.negativeELBO, Double(result.negativeELBO), protocol: onWhat + ", one z per example, analytic KL")
            report.record("reconstruction", .number(Double(result.reconstruction)), protocol: onWhat)
            report.record("kl", .number(Double(result.kl)), protocol: onWhat)
        case .nll:
            let progress = ProgressReporter(total: data.count, label: "nll k=\(command.importanceSamples)")
            let logLikelihoods = ImportanceSampledLikelihood.estimate(
                model, on: data, samples: command.importanceSamples, seed: command.seed
            ) { progress.update(step: $0, values: []) }
            report.record(logLikelihood: MeanEstimate(of: logLikelihoods), dimensions: model.configuration.featureCount,
                          protocol: onWhat + ", importance sampling with k = \(command.importanceSamples)")
            if let perExample = command.perExample { try NPY.write(Tensor(logLikelihoods), to: perExample) }
        case .activeUnits:
            report.record(ActiveUnits.measure(model, on: data), protocol: onWhat + ", Var_x E_q[z_u] > 0.01")
        case .klPerDimension:
            report.record("kl_per_dim", .numbers(KLPerDimension.average(model, on: data)), protocol: onWhat)
        case .gradientVariance:
            var generator = SplitMix64(seed: command.seed).derived(0x6A)
            let batch = min(128, data.count)
            let result = GradientVariance.compare(
                model, images: data.examples.sliced(0..<batch, alongAxis: 0),
                labels: model.configuration.isConditional ? data.labels.map { Array($0[0..<batch]) } : nil,
                draws: 100, using: &generator)
            report.record(result, protocol: "one minibatch of \(batch) test examples, 100 draws of z per estimator")
        default:
            break
        }
    }
}
