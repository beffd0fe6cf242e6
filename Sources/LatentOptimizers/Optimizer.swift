import LatentNN
import LatentTensor

/// Updates parameters from their gradients, keeping per-parameter state between steps.
///
/// Gradients come back from autodiff aligned with the parameter list, so a step reads:
///
/// ```swift
/// let parameters = model.parameters
/// let gradients = loss.gradients(withRespectTo: parameters.map(\.value))
/// optimizer.update(parameters, with: gradients)
/// ```
///
/// State (moment estimates, momentum buffers) is allocated once per parameter, on its first
/// update, keyed by the parameter's identity; each update then runs one fused in-place pass over
/// the parameter, its gradient and its state, allocating nothing. The state is saved and
/// restored through ``CheckpointableState`` under PyTorch's state names, prefixed by the
/// optimiser's kind (`adam.exp_avg.encoder.fc1.weight`), so a restored run continues exactly.
public protocol Optimizer: CheckpointableState {
    /// The step size used by the next update; schedules set it from ``stepCount``.
    var learningRate: Float { get set }
    /// The learning rate the optimiser was created with (the base rate of schedules).
    var initialLearningRate: Float { get }
    /// The number of updates applied so far (saved with the state).
    var stepCount: Int { get }

    /// Applies one step to every parameter that is not frozen, in place.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update.
    ///   - gradients: one gradient per parameter, each shaped like it.
    /// - Precondition: the lists have the same length and each gradient has its parameter's
    ///   shape.
    func update(_ parameters: [Parameter], with gradients: [Tensor])
}

extension Optimizer {
    /// Sets ``learningRate`` from a schedule at ``stepCount`` (call before each update).
    public func adjustLearningRate(using schedule: some LearningRateSchedule) {
        adjustLearningRate(using: schedule, atStep: stepCount)
    }

    /// Sets ``learningRate`` from a schedule at `step` (an epoch count, for per-epoch schedules).
    public func adjustLearningRate(using schedule: some LearningRateSchedule, atStep step: Int) {
        learningRate = schedule.learningRate(atStep: step, initial: initialLearningRate)
    }
}

/// Checks that an update's lists line up; `optimizer` names the caller in the message.
func checkAligned(_ parameters: [Parameter], _ gradients: [Tensor], optimizer: String) {
    precondition(
        parameters.count == gradients.count,
        "\(optimizer).update: \(parameters.count) parameters but \(gradients.count) gradients")
    for (index, (parameter, gradient)) in zip(parameters, gradients).enumerated() {
        precondition(
            parameter.shape == gradient.shape,
            "\(optimizer).update: gradient \(index) has shape \(gradient.shape), its parameter "
                + "\(parameter.shape)")
    }
}
