import Foundation
import LatentNN
import LatentTensor
import TestSupport
import Testing

@testable import LatentOptimizers

/// A least-squares problem small enough to train for a few steps in a test.
final class TinyRegression: Module {
    let weight: Parameter
    let bias: Parameter
    let seen = Buffer(Tensor(zeros: [1]))

    init(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        weight = Parameter(
            Tensor(shape: [3, 2], scalars: (0..<6).map { _ in generator.nextStandardNormal() }))
        bias = Parameter(Tensor([generator.nextStandardNormal(), generator.nextStandardNormal()]))
    }

    var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias)]
    }
    var ownBuffers: [(name: String, buffer: Buffer)] { [("seen", seen)] }

    static let inputs = Tensor(shape: [4, 3], scalars: [1, 2, 0, -1, 0.5, 3, 2, -2, 1, 0, 1, -1])
    static let targets = Tensor(shape: [4, 2], scalars: [1, 0, -1, 2, 0.5, 0.5, 3, -3])

    /// One training step; returns the loss before the update.
    func step(_ optimizer: some Optimizer, schedule: some LearningRateSchedule) -> Float {
        let loss = (Self.inputs.matmul(weight.value) + bias.value - Self.targets).squared().mean()
        optimizer.adjustLearningRate(using: schedule)
        optimizer.update(parameters, with: loss.gradients(withRespectTo: parameters.map(\.value)))
        seen.value = seen.value + 1
        return loss.scalar
    }
}

/// Two models, two optimisers, as a GAN keeps them.
final class Pair: Module {
    let generator = TinyRegression(seed: 1), critic = TinyRegression(seed: 2)
    var children: [(name: String, module: any Module)] {
        [("generator", generator), ("critic", critic)]
    }
}

@Suite("Optimizer state")
struct OptimizerStateTests {
    static let makers: [(String, @Sendable () -> any Optimizer)] = [
        ("sgd", { SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3) }),
        ("adam", { Adam(learningRate: 0.05, weightDecay: 1e-3) }),
        ("adamw", { AdamW(learningRate: 0.05) }),
        ("rmsprop", { RMSProp(learningRate: 0.01, momentum: 0.5, centered: true) }),
    ]

    @Test(arguments: 0..<4)
    func resumedRunContinuesExactly(maker index: Int) throws {
        let (kind, make) = Self.makers[index]
        let schedule = CosineSchedule(totalSteps: 8, minimumLearningRate: 1e-3)

        let straight = TinyRegression(seed: 7)
        let straightOptimizer = make()
        let straightLosses = (0..<8).map { _ in straight.step(straightOptimizer, schedule: schedule)
        }

        let first = TinyRegression(seed: 7)
        let firstOptimizer = make()
        let firstLosses = (0..<4).map { _ in first.step(firstOptimizer, schedule: schedule) }
        let folder = try TemporaryFolder.createURL("optimizer")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(
            module: first, optimizers: ["optimizer": firstOptimizer],
            counters: ["step": 4, "epoch": 1], to: folder)

        // A fresh process: other initial values, a new optimiser, everything from the files.
        let resumed = TinyRegression(seed: 99)
        let resumedOptimizer = make()
        let counters = try Checkpoint.restore(
            module: resumed, optimizers: ["optimizer": resumedOptimizer], from: folder)
        #expect(counters == ["step": 4, "epoch": 1])
        #expect(resumedOptimizer.stepCount == 4)
        let resumedLosses = (0..<4).map { _ in resumed.step(resumedOptimizer, schedule: schedule) }

        #expect(firstLosses + resumedLosses == straightLosses, "\(kind)")
        #expect(resumed.weight.value.scalars == straight.weight.value.scalars, "\(kind)")
        #expect(resumed.bias.value.scalars == straight.bias.value.scalars, "\(kind)")
        #expect(resumed.seen.value.scalars == [8])
    }

    @Test func stateKeysUsePyTorchNamesUnderTheModelNames() {
        let pair = Pair()
        let adam = Adam(learningRate: 0.01)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        _ = pair.generator.step(adam, schedule: StepSchedule(stepSize: 10))
        _ = pair.critic.step(sgd, schedule: StepSchedule(stepSize: 10))
        let adamState = adam.state(for: pair.namedParameters)
        #expect(
            adamState.names == [
                "adam.exp_avg.generator.bias", "adam.exp_avg.generator.weight",
                "adam.exp_avg_sq.generator.bias", "adam.exp_avg_sq.generator.weight", "adam.step",
                "adam.step.generator.bias", "adam.step.generator.weight",
            ])
        #expect(
            sgd.state(for: pair.namedParameters).names == [
                "sgd.momentum_buffer.critic.bias", "sgd.momentum_buffer.critic.weight", "sgd.step",
            ])
    }

    @Test func twoOptimizersRestoreUnderTheirRoles() throws {
        let pair = Pair()
        let generatorOptimizer = Adam(learningRate: 0.01)
        let criticOptimizer = RMSProp(learningRate: 0.01)
        for _ in 0..<3 {
            _ = pair.generator.step(generatorOptimizer, schedule: StepSchedule(stepSize: 2))
            _ = pair.critic.step(criticOptimizer, schedule: StepSchedule(stepSize: 2))
        }
        _ = pair.critic.step(criticOptimizer, schedule: StepSchedule(stepSize: 2))
        let folder = try TemporaryFolder.createURL("optimizer")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(
            module: pair, optimizers: ["generator": generatorOptimizer, "critic": criticOptimizer],
            counters: ["step": 3], to: folder)
        let file = try Safetensors(
            contentsOf: folder.appendingPathComponent("optimizer.safetensors"))
        #expect(file.integers["counters.step"]?.scalar == 3)
        #expect(file.integers["generator.adam.step"]?.scalar == 3)
        #expect(file.integers["critic.rmsprop.step"]?.scalar == 4)
        #expect(file.tensors["critic.rmsprop.square_avg.critic.weight"]?.shape == [3, 2])

        let restored = Pair()
        let newGenerator = Adam(learningRate: 0.01)
        let newCritic = RMSProp(learningRate: 0.01)
        _ = try Checkpoint.restore(
            module: restored, optimizers: ["generator": newGenerator, "critic": newCritic],
            from: folder)
        #expect(
            newGenerator.state(for: restored.namedParameters).names
                == generatorOptimizer.state(for: pair.namedParameters).names)
        #expect(newCritic.stepCount == 4)
    }

    @Test func stateOfAnotherOptimizerIsRefusedListingEveryKey() throws {
        let model = TinyRegression(seed: 3)
        let adam = Adam(learningRate: 0.01)
        _ = model.step(adam, schedule: StepSchedule(stepSize: 10))
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        let error = #expect(throws: CheckpointError.self) {
            try sgd.loadState(adam.state(for: model.namedParameters), for: model.namedParameters)
        }
        guard case .mismatch(let list)? = error?.problem else {
            Issue.record("expected a mismatch, got \(String(describing: error))")
            return
        }
        #expect(list.first == .missing("sgd.step"))
        #expect(list.filter { if case .unexpected = $0 { true } else { false } }.count == 7)
        #expect(sgd.stepCount == 0)
    }

    @Test func misShapedStateIsRefusedAndNothingChanges() throws {
        let model = TinyRegression(seed: 3)
        let adam = Adam(learningRate: 0.01)
        _ = model.step(adam, schedule: StepSchedule(stepSize: 10))
        var state = adam.state(for: model.namedParameters)
        state.tensors["adam.exp_avg.weight"] = Tensor(zeros: [2, 3])
        state.integers.removeValue(forKey: "adam.step.bias")
        let target = Adam(learningRate: 0.01)
        let error = #expect(throws: CheckpointError.self) {
            try target.loadState(state, for: model.namedParameters)
        }
        #expect(
            error?.problem
                == .mismatch([
                    .shape(name: "adam.exp_avg.weight", expected: [3, 2], found: [2, 3]),
                    .missing("adam.step.bias"),
                ]))
        #expect(target.state(for: model.namedParameters).names == ["adam.step"])
    }

    @Test func restoreRefusesFilesFromDifferentSteps() throws {
        let model = TinyRegression(seed: 3)
        let adam = Adam(learningRate: 0.01)
        let folder = try TemporaryFolder.createURL("optimizer")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(
            module: model, optimizers: ["optimizer": adam], counters: ["step": 1], to: folder)
        let stateFile = folder.appendingPathComponent("optimizer.safetensors")
        let older = try Data(contentsOf: stateFile)
        try Checkpoint.save(
            module: model, optimizers: ["optimizer": adam], counters: ["step": 2], to: folder)
        try older.write(to: stateFile)
        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.restore(module: model, optimizers: ["optimizer": adam], from: folder)
        }
        #expect(
            error?.description.contains("saved at step=1 but checkpoint.safetensors at step=2")
                == true)
    }
}
