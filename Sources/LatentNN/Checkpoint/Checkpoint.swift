import Foundation
import LatentTensor

/// State beyond a module's parameters that a checkpoint keeps so that a run resumes exactly:
/// an optimiser's moment estimates and step count.
public protocol CheckpointableState: AnyObject {
    /// The state as named tensors, keyed by the names in `parameters` (a model's
    /// ``Module/namedParameters``); parameters it holds no state for are left out.
    func state(for parameters: [(name: String, parameter: Parameter)]) -> Safetensors

    /// Replaces the state with `state`, matching entries to `parameters` by name.
    ///
    /// - Throws: ``CheckpointError`` listing every missing, unexpected or mis-shaped entry; the
    ///   state is unchanged when it throws.
    func loadState(
        _ state: Safetensors, for parameters: [(name: String, parameter: Parameter)]
    ) throws(CheckpointError)
}

/// Saving and loading models and training runs as safetensors files.
///
/// A run folder holds `checkpoint.safetensors` (the model's parameters and buffers under their
/// dotted names, readable by any safetensors reader) and `optimizer.safetensors` (each
/// optimiser's state under its role, `critic.adam.exp_avg.critic.fc1.weight`, and the counters,
/// `counters.step`, as `I64`). Both carry the counters in their metadata, so a pair written at
/// different steps is never resumed as one: a save a killed process left between its two
/// renames is finished from its temporary file, anything else refused. Every write is atomic,
/// and NaN or infinite values are neither saved in a run nor loaded.
public enum Checkpoint {
    /// The model file in a run folder.
    public static let modelFileName = "checkpoint.safetensors"
    /// The optimiser-state and counters file in a run folder.
    public static let stateFileName = "optimizer.safetensors"
    /// The metadata key under which both files record the counters they were saved with.
    public static let countersMetadataKey = "latent.counters"

    // MARK: - Models

    /// The module's parameters and buffers by dotted name, as safetensors contents.
    public static func contents(
        of module: any Module, metadata: [String: String] = [:]
    ) -> Safetensors {
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in module.namedParameters {
            tensors[name] = parameter.value.detached()
        }
        for (name, buffer) in module.namedBuffers { tensors[name] = buffer.value }
        return Safetensors(tensors: tensors, metadata: ["format": "pt"].merging(metadata) { $1 })
    }

    /// Writes the module's parameters and buffers to `url`, atomically.
    ///
    /// - Throws: ``CheckpointError`` if the file cannot be written (an existing file is kept).
    public static func save(
        _ module: any Module, to url: URL, metadata: [String: String] = [:]
    ) throws(CheckpointError) {
        try contents(of: module, metadata: metadata).write(to: url)
    }

    /// Loads parameters and buffers from `url` into `module`, all or nothing.
    ///
    /// - Throws: ``CheckpointError`` if the file is unreadable or malformed, or, listing every
    ///   name, if the file and the module differ in names, shapes or element types, or naming
    ///   the first tensor (in the module's order) that holds NaN or infinite values; the module
    ///   is unchanged when it throws.
    public static func load(into module: any Module, from url: URL) throws(CheckpointError) {
        try load(Safetensors(contentsOf: url), into: module, file: url.path)
    }

    /// Loads already-read contents into `module`, all or nothing; `file` names them in errors.
    public static func load(
        _ contents: Safetensors, into module: any Module, file: String
    ) throws(CheckpointError) {
        let differences = mismatches(between: contents, and: module)
        guard differences.isEmpty else {
            throw CheckpointError(file: file, problem: .mismatch(differences))
        }
        try checkFinite(contents, names: names(of: module), file: file)
        for (name, parameter) in module.namedParameters {
            parameter.value = contents.tensors[name]!
        }
        for (name, buffer) in module.namedBuffers { buffer.value = contents.tensors[name]! }
    }

    /// Every difference between the file's entries and the module's parameters and buffers:
    /// missing names in the module's order, then unexpected names sorted.
    public static func mismatches(
        between contents: Safetensors, and module: any Module
    ) -> [CheckpointError.Mismatch] {
        let expected =
            module.namedParameters.map { ($0.name, $0.parameter.shape) }
            + module.namedBuffers.map { ($0.name, $0.buffer.value.shape) }
        var differences: [CheckpointError.Mismatch] = []
        for (name, shape) in expected {
            if let tensor = contents.tensors[name] {
                if tensor.shape != shape {
                    differences.append(.shape(name: name, expected: shape, found: tensor.shape))
                }
            } else if contents.integers[name] != nil {
                differences.append(.dtype(name: name, expected: "F32", found: "I64"))
            } else {
                differences.append(.missing(name))
            }
        }
        let known = Set(expected.map(\.0))
        differences += contents.names.filter { !known.contains($0) }.map { .unexpected($0) }
        return differences
    }

    // MARK: - Runs

    /// Saves a training run's state into `folder`: the model to `checkpoint.safetensors`, and each
    /// optimiser's state (under its role) with the counters to `optimizer.safetensors`.
    ///
    /// Both files are written whole to temporary files and flushed before either replaces its
    /// predecessor; then the model and the state file are renamed into place back to back. A
    /// process killed before the first rename leaves the previous pair; one killed between the
    /// two leaves the new state complete in `optimizer.safetensors.tmp-<pid>`, from which
    /// ``restore(module:optimizers:from:)`` finishes the save. Temporary files of processes
    /// that no longer run are removed first.
    ///
    /// - Parameters:
    ///   - module: the whole model; its dotted names key the optimisers' state as well.
    ///   - optimizers: optimisers by role (`["generator": ..., "critic": ...]`); roles are key
    ///     prefixes, so they must be distinct and contain no dot.
    ///   - counters: step and epoch counters (`["step": 1200, "epoch": 3]`), stored as `I64`.
    ///   - folder: an existing folder.
    /// - Throws: ``CheckpointError`` if a file cannot be written, or if a parameter, buffer or
    ///   optimiser tensor holds NaN or infinite values (a diverged run; nothing is written); files
    ///   already there are only ever replaced whole.
    public static func save(
        module: any Module, optimizers: [String: any CheckpointableState],
        counters: [String: Int], to folder: URL
    ) throws(CheckpointError) {
        try save(
            module: module, optimizers: optimizers, counters: counters, to: folder,
            interruptedAfter: nil)
    }

    /// A point inside a run save where a test stops it, leaving the folder as a process killed
    /// there would.
    enum SaveStage {
        /// Both temporary files are complete; nothing is renamed yet.
        case temporaryFilesWritten
        /// The model file is replaced; the state file is not yet.
        case modelReplaced
    }

    /// ``save(module:optimizers:counters:to:)``, returning early after `stage` when one is given.
    static func save(
        module: any Module, optimizers: [String: any CheckpointableState],
        counters: [String: Int], to folder: URL, interruptedAfter stage: SaveStage?
    ) throws(CheckpointError) {
        let stamp = countersStamp(counters)
        var state = Safetensors(metadata: [countersMetadataKey: stamp])
        let names = module.namedParameters
        for (role, optimizer) in optimizers {
            precondition(
                !role.isEmpty && !role.contains(".") && role != "counters",
                "Checkpoint.save: optimizer role \"\(role)\" must be non-empty, without dots, "
                    + "not \"counters\"")
            let own = optimizer.state(for: names)
            for (key, tensor) in own.tensors { state.tensors["\(role).\(key)"] = tensor }
            for (key, integer) in own.integers { state.integers["\(role).\(key)"] = integer }
        }
        for (name, value) in counters { state.integers["counters.\(name)"] = IntegerTensor(value) }
        let model = contents(of: module, metadata: [countersMetadataKey: stamp])
        let modelURL = folder.appendingPathComponent(modelFileName)
        let stateURL = folder.appendingPathComponent(stateFileName)
        // A diverged run must not replace its last good checkpoint.
        try checkFinite(model, names: Self.names(of: module), file: modelURL.path)
        try checkFinite(state, names: state.tensors.keys.sorted(), file: stateURL.path)

        removeStaleTemporaryFiles(in: folder)
        let stateTemporary = try FileBytes.writeTemporary(state.serialized(), for: stateURL)
        let modelTemporary: String
        do {
            modelTemporary = try FileBytes.writeTemporary(model.serialized(), for: modelURL)
        } catch {
            FileBytes.remove(stateTemporary)
            throw error
        }
        if stage == .temporaryFilesWritten { return }
        do {
            try FileBytes.moveIntoPlace(modelTemporary, over: modelURL)
        } catch {
            FileBytes.remove(stateTemporary)
            FileBytes.remove(modelTemporary)
            throw error
        }
        if stage == .modelReplaced { return }
        // Should this rename fail, the new state stays complete in its temporary file, and
        // restore finishes the save from it.
        try FileBytes.moveIntoPlace(stateTemporary, over: stateURL)
        FileBytes.syncFolder(of: stateURL)
    }

    /// Restores a run saved by ``save(module:optimizers:counters:to:)`` and returns its counters.
    ///
    /// All or nothing: both files are read and checked against the model and every optimiser
    /// before anything changes. A save that was interrupted between its two renames is finished
    /// first (the file renamed second is taken from its complete temporary file, stamped with
    /// the same counters as the other), and temporary files of processes that no longer run
    /// are removed.
    ///
    /// - Throws: ``CheckpointError`` naming the file: unreadable, malformed, not matching the
    ///   model or an optimiser (every difference listed), holding NaN or infinite values, or the
    ///   two files from different steps with no temporary file to reconcile them.
    public static func restore(
        module: any Module, optimizers: [String: any CheckpointableState], from folder: URL
    ) throws(CheckpointError) -> [String: Int] {
        let (model, state) = try readSavedRun(in: folder)
        return try restore(module: module, optimizers: optimizers, model: model, state: state, folder: folder)
    }

    /// The two files of the run in `folder`, as ``restore(module:optimizers:from:)`` reads them:
    /// an interrupted save finished first and temporary files of stopped processes removed. For
    /// a process that passes the run on to others (data-parallel training, where only rank 0
    /// need see the run folder).
    ///
    /// - Throws: ``CheckpointError`` naming the file: unreadable, malformed, or the two files
    ///   from different steps with no temporary file to reconcile them.
    public static func readSavedRun(in folder: URL) throws(CheckpointError) -> (model: Safetensors, state: Safetensors) {
        let run = try readRun(in: folder)
        removeStaleTemporaryFiles(in: folder)
        return run
    }

    /// Restores a run from the contents of its two files (``readSavedRun(in:)``, or bytes a
    /// process received) and returns its counters; all or nothing, checked as
    /// ``restore(module:optimizers:from:)`` checks them. `folder` names the files in errors.
    public static func restore(
        module: any Module, optimizers: [String: any CheckpointableState], model: Safetensors,
        state: Safetensors, folder: URL
    ) throws(CheckpointError) -> [String: Int] {
        let modelURL = folder.appendingPathComponent(modelFileName)
        let stateURL = folder.appendingPathComponent(stateFileName)
        let differences = mismatches(between: model, and: module)
        guard differences.isEmpty else {
            throw CheckpointError(file: modelURL.path, problem: .mismatch(differences))
        }
        try checkFinite(model, names: names(of: module), file: modelURL.path)
        try checkFinite(state, names: state.tensors.keys.sorted(), file: stateURL.path)

        var counters: [String: Int] = [:]
        var perRole: [String: Safetensors] = [:]
        var unexpected: [CheckpointError.Mismatch] = []
        for (key, integer) in state.integers {
            if key.hasPrefix("counters."), let value = integer.scalar {
                counters[String(key.dropFirst("counters.".count))] = Int(value)
            } else if let (role, rest) = split(key), optimizers[role] != nil {
                perRole[role, default: Safetensors()].integers[rest] = integer
            } else {
                unexpected.append(.unexpected(key))
            }
        }
        for (key, tensor) in state.tensors {
            if let (role, rest) = split(key), optimizers[role] != nil {
                perRole[role, default: Safetensors()].tensors[rest] = tensor
            } else {
                unexpected.append(.unexpected(key))
            }
        }
        guard unexpected.isEmpty else {
            throw CheckpointError(
                file: stateURL.path, problem: .mismatch(unexpected.sorted { $0.name < $1.name }))
        }

        let names = module.namedParameters
        var loaded: [(optimizer: any CheckpointableState, previous: Safetensors)] = []
        for (role, optimizer) in optimizers.sorted(by: { $0.key < $1.key }) {
            let previous = optimizer.state(for: names)
            do {
                try optimizer.loadState(perRole[role] ?? Safetensors(), for: names)
                loaded.append((optimizer, previous))
            } catch {
                // Put back the optimisers already restored, so a failure changes nothing.
                for (done, state) in loaded { try? done.loadState(state, for: names) }
                let prefixed = prefixed(error.problem, with: role)
                throw CheckpointError(file: stateURL.path, problem: prefixed)
            }
        }
        try load(model, into: module, file: modelURL.path)
        return counters
    }

    /// Whether `folder` holds both files of a saved run (for `--resume`), the state file
    /// possibly still in the temporary file of a save interrupted before its last rename.
    public static func hasSavedRun(in folder: URL) -> Bool {
        let stateURL = folder.appendingPathComponent(stateFileName)
        return FileManager.default.fileExists(
            atPath: folder.appendingPathComponent(modelFileName).path)
            && (FileManager.default.fileExists(atPath: stateURL.path)
                || !temporaryFiles(for: stateURL).isEmpty)
    }

    // MARK: - Helpers

    /// The names a module's checkpoint holds: its parameters', then its buffers'.
    static func names(of module: any Module) -> [String] {
        module.namedParameters.map(\.name) + module.namedBuffers.map(\.name)
    }

    /// Throws ``CheckpointError/Problem/nonFinite(tensor:count:)`` for the first of `names`
    /// whose tensor in `contents` holds NaN or infinite values.
    static func checkFinite(
        _ contents: Safetensors, names: [String], file: String
    ) throws(CheckpointError) {
        for name in names {
            guard let tensor = contents.tensors[name] else { continue }
            let count = tensor.withUnsafeScalars { scalars in
                scalars.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            }
            guard count == 0 else {
                throw CheckpointError(file: file, problem: .nonFinite(tensor: name, count: count))
            }
        }
    }

    static func countersStamp(_ counters: [String: Int]) -> String {
        counters.keys.sorted().map { "\($0)=\(counters[$0]!)" }.joined(separator: ",")
    }

    private static func split(_ key: String) -> (String, String)? {
        guard let dot = key.firstIndex(of: ".") else { return nil }
        return (String(key[..<dot]), String(key[key.index(after: dot)...]))
    }

    private static func prefixed(
        _ problem: CheckpointError.Problem, with role: String
    ) -> CheckpointError.Problem {
        guard case .mismatch(let list) = problem else { return problem }
        return .mismatch(
            list.map { mismatch in
                switch mismatch {
                case .missing(let name): .missing("\(role).\(name)")
                case .unexpected(let name): .unexpected("\(role).\(name)")
                case .shape(let name, let expected, let found):
                    .shape(name: "\(role).\(name)", expected: expected, found: found)
                case .dtype(let name, let expected, let found):
                    .dtype(name: "\(role).\(name)", expected: expected, found: found)
                }
            })
    }
}

extension Module {
    /// Writes this module's parameters and buffers to a safetensors file, atomically.
    ///
    /// - Throws: ``CheckpointError`` if the file cannot be written.
    public func save(to url: URL) throws(CheckpointError) { try Checkpoint.save(self, to: url) }

    /// Loads parameters and buffers from a safetensors file, all or nothing.
    ///
    /// - Throws: ``CheckpointError`` listing every missing, unexpected or mis-shaped name, or
    ///   describing a malformed file; the module is unchanged when it throws.
    public func load(from url: URL) throws(CheckpointError) {
        try Checkpoint.load(into: self, from: url)
    }
}
