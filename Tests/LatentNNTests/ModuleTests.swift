import Testing
import LatentTensor
@testable import LatentNN

private final class Leaf: Module {
    let weight = Parameter(Tensor(ones: [2, 3]))
    let running = Buffer(Tensor(zeros: [3]))
    var isTraining = true
    var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] }
    var ownBuffers: [(name: String, buffer: Buffer)] { [("running", running)] }
    func trainingModeDidChange(_ isTraining: Bool) { self.isTraining = isTraining }
}

private final class Pair: Module {
    let first = Leaf(), second = Leaf()
    var children: [(name: String, module: any Module)] { [("first", first), ("second", second)] }
}

@Suite("Module")
struct ModuleTests {
    @Test func namesAreDottedPathsInDeclarationOrder() {
        let pair = Pair()
        #expect(pair.namedParameters.map(\.name) == ["first.weight", "second.weight"])
        #expect(pair.namedBuffers.map(\.name) == ["first.running", "second.running"])
        #expect(pair.parameterCount == 12)
    }

    @Test func trainingModeReachesEveryChild() {
        let pair = Pair()
        pair.eval()
        #expect(!pair.first.isTraining && !pair.second.isTraining)
        pair.train()
        #expect(pair.first.isTraining && pair.second.isTraining)
    }

    @Test func frozenParametersGetNoGradientNode() {
        let pair = Pair()
        pair.first.setFrozen(true)
        #expect(!pair.first.weight.value.requiresGradient)
        #expect(pair.second.weight.value.requiresGradient)
        #expect(pair.trainableParameters.count == 1)
    }
}
