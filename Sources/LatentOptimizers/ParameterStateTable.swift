import LatentNN
import LatentTensor

/// The buffers an optimiser keeps for one parameter, allocated (zero-filled) on its first
/// update and reused after.
final class ParameterState {
    /// The parameter; holding it keeps its identity from being reused by another object.
    let parameter: Parameter
    /// One storage per state buffer, each the parameter's size.
    let buffers: [TensorStorage]
    /// The number of updates this parameter has received (Adam's bias correction).
    var step: Int

    init(parameter: Parameter, buffers: [TensorStorage], step: Int) {
        self.parameter = parameter
        self.buffers = buffers
        self.step = step
    }

    /// The first scalar of buffer `index`.
    func base(_ index: Int) -> UnsafeMutablePointer<Float> { buffers[index].base }
}

/// Per-parameter optimiser state keyed by parameter identity, with its checkpoint form.
///
/// Keys are `<kind>.<buffer>.<parameter name>` for buffers, `<kind>.step.<parameter name>` for
/// per-parameter step counts (when kept) and `<kind>.step` for the optimiser's update count.
struct ParameterStateTable {
    /// The optimiser's key prefix (`sgd`, `adam`, `adamw`, `rmsprop`).
    let kind: String
    /// PyTorch's names for the buffers, in the order of ``ParameterState/buffers``.
    let bufferNames: [String]
    /// Whether each parameter keeps its own step count.
    let keepsParameterSteps: Bool
    private(set) var entries: [ObjectIdentifier: ParameterState] = [:]

    init(kind: String, bufferNames: [String], keepsParameterSteps: Bool = false) {
        self.kind = kind
        self.bufferNames = bufferNames
        self.keepsParameterSteps = keepsParameterSteps
    }

    /// The state of `parameter`, created on first use; `isNew` tells a fresh state.
    mutating func state(for parameter: Parameter) -> (state: ParameterState, isNew: Bool) {
        let key = ObjectIdentifier(parameter)
        if let existing = entries[key] { return (existing, false) }
        let count = parameter.value.scalarCount
        let created = ParameterState(
            parameter: parameter,
            buffers: bufferNames.map { _ in TensorStorage(count: count, repeating: 0) }, step: 0)
        entries[key] = created
        return (created, true)
    }

    // MARK: - Checkpoint form

    var stepCountKey: String { "\(kind).step" }

    /// The state of the named parameters that have any, as copies.
    func snapshot(
        for parameters: [(name: String, parameter: Parameter)], stepCount: Int
    ) -> Safetensors {
        var result = Safetensors(integers: [stepCountKey: IntegerTensor(stepCount)])
        for (name, parameter) in parameters {
            guard let state = entries[ObjectIdentifier(parameter)] else { continue }
            for (bufferName, storage) in zip(bufferNames, state.buffers) {
                result.tensors["\(kind).\(bufferName).\(name)"] = Tensor(
                    shape: parameter.shape, storage: storage.copy())
            }
            if keepsParameterSteps {
                result.integers["\(kind).step.\(name)"] = IntegerTensor(state.step)
            }
        }
        return result
    }

    /// Replaces every entry from a snapshot and returns its update count; changes nothing and
    /// throws a ``CheckpointError`` listing every difference if the snapshot does not fit.
    mutating func restore(
        _ snapshot: Safetensors, for parameters: [(name: String, parameter: Parameter)]
    ) throws(CheckpointError) -> Int {
        var differences: [CheckpointError.Mismatch] = []
        var used: Set<String> = []
        var restored: [ObjectIdentifier: ParameterState] = [:]

        var stepCount = 0
        if let value = snapshot.integers[stepCountKey]?.scalar {
            stepCount = Int(value)
            used.insert(stepCountKey)
        } else {
            differences.append(.missing(stepCountKey))
        }
        for (name, parameter) in parameters {
            let stepKey = "\(kind).step.\(name)"
            let keys =
                bufferNames.map { "\(kind).\($0).\(name)" } + (keepsParameterSteps ? [stepKey] : [])
            let present = keys.filter {
                snapshot.tensors[$0] != nil || snapshot.integers[$0] != nil
            }
            // A parameter the optimiser never updated has no state; a partial set is an error.
            guard !present.isEmpty, !keys.isEmpty else { continue }
            used.formUnion(present)
            var buffers: [TensorStorage] = []
            for key in keys.prefix(bufferNames.count) {
                if let tensor = snapshot.tensors[key] {
                    if tensor.shape == parameter.shape {
                        buffers.append(tensor.storage.copy())
                    } else {
                        differences.append(
                            .shape(name: key, expected: parameter.shape, found: tensor.shape))
                    }
                } else if snapshot.integers[key] != nil {
                    differences.append(.dtype(name: key, expected: "F32", found: "I64"))
                } else {
                    differences.append(.missing(key))
                }
            }
            var step = 0
            if keepsParameterSteps {
                if let value = snapshot.integers[stepKey]?.scalar {
                    step = Int(value)
                } else if snapshot.tensors[stepKey] != nil {
                    differences.append(.dtype(name: stepKey, expected: "I64", found: "F32"))
                } else {
                    differences.append(.missing(stepKey))
                }
            }
            if buffers.count == bufferNames.count {
                restored[ObjectIdentifier(parameter)] = ParameterState(
                    parameter: parameter, buffers: buffers, step: step)
            }
        }
        differences += snapshot.names.filter { !used.contains($0) }.map { .unexpected($0) }
        guard differences.isEmpty else {
            throw CheckpointError(file: "\(kind) state", problem: .mismatch(differences))
        }
        entries = restored
        return stepCount
    }
}
