import Foundation

/// A learning rate as a function of the step, applied with
/// ``Optimizer/adjustLearningRate(using:)`` before each update.
///
/// Steps count from 0 (the first update uses the rate at step 0), so a schedule evaluated at a
/// restored ``Optimizer/stepCount`` continues a resumed run exactly.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate at `step`, given the optimiser's initial rate.
    func learningRate(atStep step: Int, initial: Float) -> Float
}

/// Multiplies the rate by `gamma` every `stepSize` steps: `initial · gamma^⌊step / stepSize⌋`.
///
/// PyTorch's `torch.optim.lr_scheduler.StepLR(step_size:gamma:)`, stepped once per update (or
/// once per epoch, with ``Optimizer/adjustLearningRate(using:atStep:)`` given the epoch).
public struct StepSchedule: LearningRateSchedule {
    /// The number of steps between decays.
    public let stepSize: Int
    /// The factor applied at each decay.
    public let gamma: Float

    /// Creates a step schedule.
    ///
    /// - Precondition: `stepSize` is positive.
    public init(stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize > 0, "StepSchedule: step size \(stepSize) must be positive")
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(atStep step: Int, initial: Float) -> Float {
        Float(Double(initial) * pow(Double(gamma), Double(max(step, 0) / stepSize)))
    }
}

/// Anneals the rate along half a cosine from the initial rate to a minimum over `totalSteps`:
/// `minimum + (initial − minimum) · (1 + cos(π · t / totalSteps)) / 2` with
/// `t = min(step, totalSteps)`.
///
/// PyTorch's `CosineAnnealingLR(T_max: totalSteps, eta_min: minimumLearningRate)` in its closed
/// form; past `totalSteps` the rate stays at the minimum (PyTorch would climb back up).
public struct CosineSchedule: LearningRateSchedule {
    /// The number of steps over which the rate falls to the minimum.
    public let totalSteps: Int
    /// The rate reached at `totalSteps`.
    public let minimumLearningRate: Float

    /// Creates a cosine schedule.
    ///
    /// - Precondition: `totalSteps` is positive.
    public init(totalSteps: Int, minimumLearningRate: Float = 0) {
        precondition(totalSteps > 0, "CosineSchedule: total steps \(totalSteps) must be positive")
        self.totalSteps = totalSteps
        self.minimumLearningRate = minimumLearningRate
    }

    public func learningRate(atStep step: Int, initial: Float) -> Float {
        let progress = Double(min(max(step, 0), totalSteps)) / Double(totalSteps)
        let minimum = Double(minimumLearningRate)
        return Float(minimum + (Double(initial) - minimum) * (1 + cos(Double.pi * progress)) / 2)
    }
}
