import Foundation
import LatentTensor
import Testing

@testable import LatentNN

/// One weight matrix filled with a run's "step", so a restored model shows which save it came from.
private final class Stamped: Module {
    let weight = Parameter(Tensor(shape: [2, 3], repeating: 0))
    let runningMean = Buffer(Tensor(shape: [2], repeating: 0))
    var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] }
    var ownBuffers: [(name: String, buffer: Buffer)] { [("running_mean", runningMean)] }

    func fill(_ value: Float) {
        weight.value = Tensor(shape: [2, 3], repeating: value)
        runningMean.value = Tensor(shape: [2], repeating: value)
    }
}

/// Optimiser-like state: one moment tensor per parameter, filled like the model.
private final class Moments: CheckpointableState {
    var fill: Float = 0
    func state(for parameters: [(name: String, parameter: Parameter)]) -> Safetensors {
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in parameters {
            tensors["moment.\(name)"] = Tensor(shape: parameter.shape, repeating: fill)
        }
        return Safetensors(tensors: tensors)
    }
    func loadState(
        _ state: Safetensors, for parameters: [(name: String, parameter: Parameter)]
    ) throws(CheckpointError) {
        guard let tensor = state.tensors["moment.weight"] else {
            throw CheckpointError(file: "moments", problem: .mismatch([.missing("moment.weight")]))
        }
        fill = tensor.scalars[0]
    }
}

@Suite("Checkpoint recovery")
struct CheckpointRecoveryTests {
    /// A folder holding the run saved at step 1 (every value 1); the model, ready for step 2.
    fileprivate func folderSavedAtStepOne() throws -> (URL, Stamped, Moments) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let model = Stamped(), moments = Moments()
        model.fill(1)
        moments.fill = 1
        try Checkpoint.save(
            module: model, optimizers: ["adam": moments], counters: ["step": 1], to: folder)
        model.fill(2)
        moments.fill = 2
        return (folder, model, moments)
    }

    /// The step restore resumes from, checking that the model and the state agree with it.
    func restoredStep(_ folder: URL) throws -> Int {
        let model = Stamped(), moments = Moments()
        let step = try #require(
            try Checkpoint.restore(module: model, optimizers: ["adam": moments], from: folder)[
                "step"])
        #expect(model.weight.value.scalars.allSatisfy { $0 == Float(step) })
        #expect(model.runningMean.value.scalars.allSatisfy { $0 == Float(step) })
        #expect(moments.fill == Float(step))
        return step
    }

    func entries(_ folder: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
    }

    static let pair: Set = ["checkpoint.safetensors", "optimizer.safetensors"]

    /// A process killed after writing both temporary files, before any rename: the previous
    /// step is resumed and the temporary files are removed.
    @Test func killedBeforeTheRenamesResumesThePreviousStep() throws {
        let (folder, model, moments) = try folderSavedAtStepOne()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(
            module: model, optimizers: ["adam": moments], counters: ["step": 2], to: folder,
            interruptedAfter: .temporaryFilesWritten)
        #expect(try entries(folder).count == 4)
        #expect(try restoredStep(folder) == 1)
        #expect(try entries(folder) == Self.pair)
    }

    /// A process killed between the two renames: the new model beside the previous state file
    /// and the new state complete in its temporary file. Restore finishes the save.
    @Test func killedBetweenTheRenamesResumesTheNewStep() throws {
        let (folder, model, moments) = try folderSavedAtStepOne()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(
            module: model, optimizers: ["adam": moments], counters: ["step": 2], to: folder,
            interruptedAfter: .modelReplaced)
        #expect(try restoredStep(folder) == 2)
        #expect(try entries(folder) == Self.pair)
        #expect(try restoredStep(folder) == 2)
    }

    /// The same at the very first save: no state file yet, only its temporary file.
    @Test func killedBetweenTheRenamesOfTheFirstSave() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Stamped(), moments = Moments()
        model.fill(3)
        moments.fill = 3
        try Checkpoint.save(
            module: model, optimizers: ["adam": moments], counters: ["step": 3], to: folder,
            interruptedAfter: .modelReplaced)
        #expect(Checkpoint.hasSavedRun(in: folder))
        #expect(try restoredStep(folder) == 3)
        #expect(try entries(folder) == Self.pair)
    }

    /// What earlier versions left when killed while writing the model (they renamed the state
    /// file first): the new state beside the previous model, and the new model in a temporary
    /// file of a dead process. Complete, it finishes the save; cut short at any length, it is
    /// useless and restore refuses in one line that names both steps.
    @Test(arguments: [nil, 0, 7, 100, -4, -1])
    func stateRenamedFirstByAnEarlierVersion(modelBytesWritten: Int?) throws {
        let (folder, model, moments) = try folderSavedAtStepOne()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stamp = [Checkpoint.countersMetadataKey: "step=2"]
        var state = moments.state(for: model.namedParameters)
        state.tensors = Dictionary(uniqueKeysWithValues: state.tensors.map { ("adam.\($0)", $1) })
        state.integers["counters.step"] = IntegerTensor(2)
        state.metadata = stamp
        try state.write(to: folder.appendingPathComponent("optimizer.safetensors"))
        var bytes = Checkpoint.contents(of: model, metadata: stamp).serialized()
        // A negative count is the bytes missing at the end.
        if let written = modelBytesWritten {
            bytes = Array(written >= 0 ? bytes.prefix(written) : bytes.dropLast(-written))
        }
        try Data(bytes).write(
            to: folder.appendingPathComponent("checkpoint.safetensors.tmp-\(Int32.max)"))

        if modelBytesWritten == nil {
            #expect(try restoredStep(folder) == 2)
            #expect(try entries(folder) == Self.pair)
        } else {
            let error = #expect(throws: CheckpointError.self) { try restoredStep(folder) }
            #expect(
                error?.description.contains(
                    "inconsistent checkpoint: saved at step=2 but checkpoint.safetensors at step=1")
                    == true, "\(error.map(String.init(describing:)) ?? "")")
        }
    }

    /// Temporary files cut short at any length while both renames are still to come (a kill
    /// while writing either one) leave the previous step to resume, and are removed.
    @Test(arguments: [0, 8, 100, 250])
    func killedWhileWritingATemporaryFile(length: Int) throws {
        let (folder, model, moments) = try folderSavedAtStepOne()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(
            module: model, optimizers: ["adam": moments], counters: ["step": 2], to: folder,
            interruptedAfter: .temporaryFilesWritten)
        let temporary = try #require(
            Checkpoint.temporaryFiles(for: folder.appendingPathComponent("checkpoint.safetensors"))
                .first)
        let data = try Data(contentsOf: temporary.url)
        try data.prefix(length).write(to: temporary.url)
        #expect(try restoredStep(folder) == 1)
        #expect(try entries(folder) == Self.pair)
    }

    /// A save removes the temporary files of processes that no longer run, and keeps those of
    /// running ones (process 1 always runs).
    @Test func saveRemovesOnlyTheTemporaryFilesOfDeadProcesses() throws {
        let (folder, model, moments) = try folderSavedAtStepOne()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in [
            "checkpoint.safetensors.tmp-\(Int32.max)", "optimizer.safetensors.tmp-\(Int32.max)",
            "checkpoint.safetensors.tmp-1", "notes.tmp-\(Int32.max)",
        ] {
            try Data([1, 2, 3]).write(to: folder.appendingPathComponent(name))
        }
        try Checkpoint.save(
            module: model, optimizers: ["adam": moments], counters: ["step": 2], to: folder)
        #expect(
            try entries(folder)
                == Self.pair.union(["checkpoint.safetensors.tmp-1", "notes.tmp-\(Int32.max)"]))
        #expect(try restoredStep(folder) == 2)
    }

    /// Non-finite weights or optimiser state are never saved: the previous pair stays whole.
    @Test func aDivergedRunIsNotSaved() throws {
        let (folder, model, moments) = try folderSavedAtStepOne()
        defer { try? FileManager.default.removeItem(at: folder) }
        moments.fill = .infinity
        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.save(
                module: model, optimizers: ["adam": moments], counters: ["step": 2], to: folder)
        }
        #expect(error?.problem == .nonFinite(tensor: "adam.moment.weight", count: 6))
        #expect(
            error?.description.hasSuffix(
                "optimizer.safetensors: tensor adam.moment.weight holds 6 non-finite values "
                    + "(NaN or infinity)") == true)
        moments.fill = 2
        model.runningMean.value = Tensor([2, .nan])
        #expect(throws: CheckpointError.self) {
            try Checkpoint.save(
                module: model, optimizers: ["adam": moments], counters: ["step": 2], to: folder)
        }
        #expect(try entries(folder) == Self.pair)
        #expect(try restoredStep(folder) == 1)
    }

    /// A file with a NaN weight (written by hand, or by another program) is refused at load,
    /// naming the tensor, and the model is unchanged.
    @Test func loadingNonFiniteValuesIsRefused() throws {
        let (folder, model, moments) = try folderSavedAtStepOne()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        var contents = try Safetensors(contentsOf: url)
        contents.tensors["weight"] = Tensor(
            shape: [2, 3], scalars: [1, 1, .nan, 1, -.infinity, 1])
        try contents.write(to: url)

        let error = #expect(throws: CheckpointError.self) { try model.load(from: url) }
        #expect(
            error?.description
                == "\(url.path): tensor weight holds 2 non-finite values (NaN or infinity)")
        #expect(model.weight.value.scalars.allSatisfy { $0 == 2 })
        #expect(throws: CheckpointError.self) {
            try Checkpoint.restore(module: model, optimizers: ["adam": moments], from: folder)
        }
        #expect(model.weight.value.scalars.allSatisfy { $0 == 2 } && moments.fill == 2)
    }
}
