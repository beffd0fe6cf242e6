/// One recorded operation of the autodiff tape: its inputs and the rule that maps the gradient
/// of its result back onto them.
public final class GraphNode: @unchecked Sendable {
    /// The operation's name, for error messages.
    public let operation: String
    /// The shape of the tensor this node produced.
    public let shape: [Int]
    /// The nodes of the operation's inputs, `nil` for inputs that need no gradient.
    let inputs: [GraphNode?]
    /// Maps the upstream gradient to one gradient per input; `nil` for leaves.
    let pullback: ((Tensor, [Bool]) -> [Tensor?])?

    init(
        operation: String, shape: [Int], inputs: [GraphNode?],
        pullback: ((Tensor, [Bool]) -> [Tensor?])?
    ) {
        self.operation = operation
        self.shape = shape
        self.inputs = inputs
        self.pullback = pullback
    }
}

/// Whether operations record themselves on the autodiff tape (on by default).
public enum GradientRecording {
    @TaskLocal static var enabled = true

    /// Whether operations currently record themselves.
    public static var isEnabled: Bool { enabled }
}

/// Runs `body` without recording operations: nothing computed inside requires a gradient.
///
/// The equivalent of PyTorch's `torch.no_grad()`; use it for evaluation and sampling.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$enabled.withValue(false, operation: body)
}

/// Runs `body` with recording switched on or off.
public func withGradientRecording<R>(_ isEnabled: Bool, _ body: () throws -> R) rethrows -> R {
    try GradientRecording.$enabled.withValue(isEnabled, operation: body)
}
