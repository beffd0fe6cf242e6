import LatentTensor

/// A module that maps one tensor to another, so it can be chained in a ``Sequential``.
public protocol Layer: Module {
    /// Applies the layer to `input`; each conformer documents the shapes it accepts.
    func callAsFunction(_ input: Tensor) -> Tensor
}
