import Foundation
import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

private final class Block: Module {
    let weight: Parameter
    let bias: Parameter
    let runningMean: Buffer

    init(inputs: Int, outputs: Int, fill: Float) {
        weight = Parameter(Tensor(shape: [outputs, inputs], repeating: fill))
        bias = Parameter(Tensor(shape: [outputs], repeating: -fill))
        runningMean = Buffer(Tensor(shape: [outputs], repeating: fill / 2))
    }

    var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias)]
    }
    var ownBuffers: [(name: String, buffer: Buffer)] { [("running_mean", runningMean)] }
}

private final class Network: Module {
    let encoder: Block, decoder: Block
    init(hidden: Int = 4, fill: Float = 1) {
        encoder = Block(inputs: 3, outputs: hidden, fill: fill)
        decoder = Block(inputs: hidden, outputs: 2, fill: fill + 1)
    }
    var children: [(name: String, module: any Module)] {
        [("encoder", encoder), ("decoder", decoder)]
    }
}

/// A checkpointable state that records what it was given.
private final class Counter: CheckpointableState {
    var value: Int64 = 0
    func state(for parameters: [(name: String, parameter: Parameter)]) -> Safetensors {
        Safetensors(integers: ["count": IntegerTensor(Int(value))])
    }
    func loadState(
        _ state: Safetensors, for parameters: [(name: String, parameter: Parameter)]
    ) throws(CheckpointError) {
        guard let count = state.integers["count"]?.scalar, state.names == ["count"] else {
            throw CheckpointError(file: "counter", problem: .mismatch([.missing("count")]))
        }
        value = count
    }
}

@Suite("Checkpoint")
struct CheckpointTests {
    @Test func moduleRoundTripRestoresParametersAndBuffers() throws {
        let folder = try TemporaryFolder.createURL("checkpoint")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        let saved = Network(fill: 0.5)
        saved.encoder.weight.updateInPlace { for i in $0.indices { $0[i] = Float(i) / 7 } }
        try saved.save(to: url)

        let loaded = Network(fill: 3)
        try loaded.load(from: url)
        for ((name, a), (_, b)) in zip(saved.namedParameters, loaded.namedParameters) {
            #expect(a.value.scalars == b.value.scalars, "\(name)")
            #expect(b.value.requiresGradient, "\(name) is trainable after loading")
        }
        for ((name, a), (_, b)) in zip(saved.namedBuffers, loaded.namedBuffers) {
            #expect(a.value.scalars == b.value.scalars, "\(name)")
        }
        #expect(
            try Safetensors(contentsOf: url).names == [
                "decoder.bias", "decoder.running_mean", "decoder.weight",
                "encoder.bias", "encoder.running_mean", "encoder.weight",
            ])
    }

    @Test func mismatchListsEveryNameAndChangesNothing() throws {
        let folder = try TemporaryFolder.createURL("checkpoint")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        var contents = Checkpoint.contents(of: Network(hidden: 5))
        contents.tensors.removeValue(forKey: "decoder.bias")
        contents.tensors["extra.weight"] = Tensor([1])
        contents.integers["encoder.running_mean"] = IntegerTensor(3)
        contents.tensors.removeValue(forKey: "encoder.running_mean")
        try contents.write(to: url)

        let model = Network(hidden: 4, fill: 9)
        let before = model.namedParameters.map(\.parameter.value.scalars)
        let error = #expect(throws: CheckpointError.self) { try model.load(from: url) }
        #expect(error?.file == url.path)
        #expect(
            error?.problem
                == .mismatch([
                    .shape(name: "encoder.weight", expected: [4, 3], found: [5, 3]),
                    .shape(name: "encoder.bias", expected: [4], found: [5]),
                    .shape(name: "decoder.weight", expected: [2, 4], found: [2, 5]),
                    .missing("decoder.bias"),
                    .dtype(name: "encoder.running_mean", expected: "F32", found: "I64"),
                    .unexpected("extra.weight"),
                ]))
        #expect(model.namedParameters.map(\.parameter.value.scalars) == before)
        let line = try #require(error?.description)
        for name in [
            "encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias", "extra.weight",
        ] {
            #expect(line.contains(name))
        }
    }

    @Test func runSaveAndRestoreCarriesCountersAndState() throws {
        let folder = try TemporaryFolder.createURL("checkpoint")
        defer { try? FileManager.default.removeItem(at: folder) }
        let counter = Counter()
        counter.value = 17
        try Checkpoint.save(
            module: Network(fill: 2), optimizers: ["main": counter],
            counters: ["step": 1200, "epoch": 3], to: folder)
        #expect(Checkpoint.hasSavedRun(in: folder))
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
                == ["checkpoint.safetensors", "optimizer.safetensors"])

        let model = Network(fill: 0)
        let restoredCounter = Counter()
        let counters = try Checkpoint.restore(
            module: model, optimizers: ["main": restoredCounter], from: folder)
        #expect(counters == ["step": 1200, "epoch": 3])
        #expect(restoredCounter.value == 17)
        #expect(model.encoder.weight.value.scalars.allSatisfy { $0 == 2 })
    }

    @Test func restoreWithAnUnknownRoleChangesNothing() throws {
        let folder = try TemporaryFolder.createURL("checkpoint")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(
            module: Network(fill: 2), optimizers: ["critic": Counter()], counters: ["step": 1],
            to: folder)
        let model = Network(fill: 0)
        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.restore(
                module: model, optimizers: ["generator": Counter()], from: folder)
        }
        #expect(error?.problem == .mismatch([.unexpected("critic.count")]))
        #expect(model.encoder.weight.value.scalars.allSatisfy { $0 == 0 })
    }

    @Test func restoreFromAMissingFolderNamesTheFile() throws {
        let parent = try TemporaryFolder.createURL("checkpoint")
        defer { try? FileManager.default.removeItem(at: parent) }
        let folder = parent.appendingPathComponent("nothing-here")
        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.restore(module: Network(), optimizers: [:], from: folder)
        }
        #expect(
            error?.description.hasPrefix(
                folder.appendingPathComponent("checkpoint.safetensors").path) == true)
        #expect(!Checkpoint.hasSavedRun(in: folder))
    }
}
