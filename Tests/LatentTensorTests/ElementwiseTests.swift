import LatentTensor
import Testing

/// Element-wise ops on tensors large enough to be split across threads (from 2 × 512K scalars)
/// give, bit for bit, what they give on small tensors (one thread): the split loops are the same
/// specialised code.
@Suite("Element-wise loops")
struct ElementwiseTests {
    static let count = 1 << 20 + 12_345
    static let large: Tensor = {
        var generator = SplitMix64(seed: 11)
        return Tensor(randomNormal: [count], standardDeviation: 4, using: &generator)
    }()
    static let other: Tensor = {
        var generator = SplitMix64(seed: 12)
        return Tensor(randomNormal: [count], using: &generator)
    }()

    /// The scalars at the start, the middle (a chunk boundary) and the end.
    static let probes = [0..<500, (count / 2 - 250)..<(count / 2 + 250), (count - 500)..<count]

    static func expectSameAsSmall(_ name: String, _ operation: (Tensor) -> Tensor) {
        let result = operation(large).scalars
        for probe in probes {
            let small = operation(Tensor(Array(large.scalars[probe]))).scalars
            let matches = zip(result[probe], small).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(matches, "\(name) on \(probe)")
        }
    }

    static func expectSameAsSmall(_ name: String, _ operation: (Tensor, Tensor) -> Tensor) {
        let result = operation(large, other).scalars
        let left = large.scalars, right = other.scalars
        for probe in probes {
            let small = operation(Tensor(Array(left[probe])), Tensor(Array(right[probe]))).scalars
            let matches = zip(result[probe], small).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(matches, "\(name) on \(probe)")
        }
    }

    @Test func unaryFunctions() {
        Self.expectSameAsSmall("sigmoid") { $0.sigmoid() }
        Self.expectSameAsSmall("softplus") { $0.softplus() }
        Self.expectSameAsSmall("relu") { $0.relu() }
        Self.expectSameAsSmall("x + 1.5") { $0 + 1.5 }
    }

    @Test func binaryFunctions() {
        Self.expectSameAsSmall("a * b") { $0 * $1 }
        Self.expectSameAsSmall("a .> b") { $0 .> $1 }
        Self.expectSameAsSmall("sigmoidCrossEntropy") { $0.sigmoidCrossEntropy(labels: $1) }
        Self.expectSameAsSmall("b.addingProduct(a, b)") { $1.addingProduct($0, $1) }
    }

    /// The one-pass `c.addingProduct(a, b)` rounds as `a * b + c`.
    @Test func addingProductMatchesSeparateOps() {
        let fused = Self.other.addingProduct(Self.large, Self.other).scalars
        let separate = (Self.large * Self.other + Self.other).scalars
        #expect(zip(fused, separate).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
}
