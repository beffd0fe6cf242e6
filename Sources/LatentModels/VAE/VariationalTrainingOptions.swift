/// How the training data is presented to a variational model.
public enum DataPresentation: String, Codable, CaseIterable, Sendable {
    /// Grey levels in [0, 1], as PyTorch's VAE example uses them.
    case intensities
    /// One seeded Bernoulli draw of the training set, fixed for the whole run ("static").
    case staticBinarized = "static"
    /// A fresh Bernoulli draw of every training image each epoch ("dynamic", as the IWAE paper).
    case dynamicBinarized = "dynamic"
}

/// A learning-rate schedule over epochs.
public enum TrainingSchedule: String, Codable, CaseIterable, Sendable {
    /// The same learning rate throughout.
    case constant
    /// A geometric decay from the base rate at the first epoch to the final rate at the last:
    /// `base · (final / base)^(epoch / (epochs − 1))`.
    case exponential
    /// Half a cosine from the base rate at the first epoch to the final rate at the last:
    /// `final + (base − final) · (1 + cos(π · epoch / (epochs − 1))) / 2`.
    case cosine
    /// The IWAE paper's (Burda et al. 2016, §5): 3^i passes at 0.001·10^(−i/7) for i = 0…7,
    /// 3,280 passes in all, Adam with ε = 1e-4.
    case iwaePaper = "iwae-paper"

    /// The total number of epochs the schedule prescribes, or `nil` when the user chooses.
    public var prescribedEpochs: Int? { self == .iwaePaper ? 3280 : nil }

    /// The learning rate for a zero-based `epoch` of a run of `epochs` epochs.
    ///
    /// - Parameters:
    ///   - base: the rate at the first epoch (`--learning-rate`; the IWAE schedule fixes its own).
    ///   - final: the rate at the last epoch of the decaying schedules.
    ///   - epochs: the run's length; epochs past it keep the final rate.
    public func learningRate(epoch: Int, base: Float, final: Float, epochs: Int) -> Float {
        let progress = epochs > 1 ? Double(min(max(epoch, 0), epochs - 1)) / Double(epochs - 1) : 0
        switch self {
        case .constant: return base
        case .exponential: return Float(Double(base) * pow(Double(final) / Double(base), progress))
        case .cosine:
            return Float(Double(final) + Double(base - final) * (1 + cos(Double.pi * progress)) / 2)
        case .iwaePaper:
            var start = 0
            for stage in 0...7 {
                let length = Int(pow(3.0, Double(stage)))
                if epoch < start + length { return 0.001 * Float(pow(10.0, -Double(stage) / 7)) }
                start += length
            }
            return 0.001 * Float(pow(10.0, -1.0))
        }
    }
}

/// The training loop's settings for a variational model; stored in `config.json`.
public struct VariationalTrainingOptions: Codable, Equatable, Sendable {
    /// Passes over the training set.
    public var epochs = 10
    /// Examples per step.
    public var batchSize = 128
    /// Adam's step size (before any schedule).
    public var learningRate: Float = 1e-3
    /// The rate the exponential and cosine schedules reach at the last epoch (`nil`: a tenth of
    /// `learningRate`; optional so that run folders written before it existed still load).
    public var finalLearningRate: Float?
    /// Adam's ε (the IWAE schedule uses 1e-4).
    public var adamEpsilon: Float = 1e-8
    /// Seeds initialisation, shuffling, binarisation and the sampling noise.
    public var seed: UInt64 = 1
    /// How the data is presented.
    public var dataProtocol: DataPresentation = .intensities
    /// The learning-rate schedule.
    public var schedule: TrainingSchedule = .constant
    /// Start the decoder's output bias at the logits of the training pixel means.
    public var initializesOutputBias = false
    /// Steps between training-loss records in `metrics.jsonl`.
    public var logEvery = 100
    /// Steps between checkpoints (0: at the end of every epoch).
    public var checkpointEvery = 0
    /// Use only the first this-many training examples (quick runs and tests).
    public var trainingLimit: Int?
    /// Evaluate on only the first this-many test examples.
    public var testLimit: Int?
    /// Write a sample grid every this-many epochs (0: only at the end).
    public var sampleEvery = 1

    /// PyTorch's example defaults.
    public init() {}
}

import Foundation
