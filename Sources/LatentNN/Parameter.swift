import LatentTensor

/// A trainable tensor owned by a module; its identity keys optimiser state.
///
/// The value is always a leaf of the autodiff graph (unless frozen), so
/// `loss.gradients(withRespectTo: module.parameters.map(\.value))` returns one gradient per
/// parameter. Optimisers update the value's storage in place.
public final class Parameter: @unchecked Sendable {
    private var storedValue: Tensor
    /// Whether the parameter is excluded from training (no gradient is recorded for it).
    public private(set) var isFrozen: Bool

    /// Creates a parameter holding `value`.
    public init(_ value: Tensor, isFrozen: Bool = false) {
        self.isFrozen = isFrozen
        storedValue = isFrozen ? value.detached() : value.detached().requiringGradient()
    }

    /// The current value; assigning replaces it with a fresh leaf.
    public var value: Tensor {
        get { storedValue }
        set { storedValue = isFrozen ? newValue.detached() : newValue.detached().requiringGradient() }
    }

    /// The shape of the value.
    public var shape: [Int] { storedValue.shape }

    /// Stops or resumes training of this parameter.
    public func setFrozen(_ frozen: Bool) {
        isFrozen = frozen
        value = storedValue
    }

    /// Updates the scalars in place, keeping the same graph leaf (for optimisers).
    ///
    /// Tensors that share this storage (earlier forward passes) see the change, as in PyTorch.
    public func updateInPlace(_ body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        try body(storedValue.storage.mutableBuffer)
    }
}

/// A non-trainable tensor a module keeps and checkpoints (BatchNorm's running statistics).
public final class Buffer: @unchecked Sendable {
    /// The current value.
    public var value: Tensor {
        didSet { value = value.detached() }
    }

    /// Creates a buffer holding `value`.
    public init(_ value: Tensor) { self.value = value.detached() }
}
