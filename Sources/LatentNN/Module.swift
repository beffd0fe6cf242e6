import LatentTensor

/// A building block of a model: owns parameters, buffers and child modules.
///
/// Conformers list what they own directly; the tree walks (dotted names such as
/// `encoder.layers.0.weight`, training mode, freezing) come from this protocol's extension.
public protocol Module: AnyObject {
    /// The parameters this module owns directly, by local name.
    var ownParameters: [(name: String, parameter: Parameter)] { get }
    /// The buffers this module owns directly, by local name.
    var ownBuffers: [(name: String, buffer: Buffer)] { get }
    /// The child modules, by local name.
    var children: [(name: String, module: any Module)] { get }
    /// Called on every module of the tree when training mode changes (Dropout, BatchNorm).
    func trainingModeDidChange(_ isTraining: Bool)
}

extension Module {
    public var ownParameters: [(name: String, parameter: Parameter)] { [] }
    public var ownBuffers: [(name: String, buffer: Buffer)] { [] }
    public var children: [(name: String, module: any Module)] { [] }
    public func trainingModeDidChange(_ isTraining: Bool) {}

    /// Every parameter of the tree with its dotted path, in a stable order (own first, then
    /// children in declaration order). These names are the checkpoint keys.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        ownParameters + children.flatMap { child in
            child.module.namedParameters.map { (child.name + "." + $0.name, $0.parameter) }
        }
    }

    /// Every buffer of the tree with its dotted path.
    public var namedBuffers: [(name: String, buffer: Buffer)] {
        ownBuffers + children.flatMap { child in
            child.module.namedBuffers.map { (child.name + "." + $0.name, $0.buffer) }
        }
    }

    /// Every parameter of the tree, in the order of ``namedParameters``.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The parameters that are not frozen.
    public var trainableParameters: [Parameter] { parameters.filter { !$0.isFrozen } }

    /// The total number of scalars in the parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.scalarCount } }

    /// Switches training mode (Dropout active, BatchNorm on batch statistics) for the whole tree.
    public func setTraining(_ isTraining: Bool) {
        trainingModeDidChange(isTraining)
        for child in children { child.module.setTraining(isTraining) }
    }

    /// Training mode for the whole tree.
    public func train() { setTraining(true) }

    /// Evaluation mode for the whole tree.
    public func eval() { setTraining(false) }

    /// Freezes (or unfreezes) every parameter of the tree.
    public func setFrozen(_ frozen: Bool) {
        for parameter in parameters { parameter.setFrozen(frozen) }
    }
}
