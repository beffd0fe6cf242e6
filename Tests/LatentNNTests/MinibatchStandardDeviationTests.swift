import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("MinibatchStandardDeviation")
struct MinibatchStandardDeviationTests {
    /// The statistic of each group by a direct loop, in Double: example i is in group i mod (n/g).
    static func expected(_ input: Tensor, group: Int, epsilon: Double = 1e-8) -> [Double] {
        let count = input.shape[0], features = input.scalarCount / count, groups = count / group
        let values = input.scalars.map(Double.init)
        return (0..<count).map { example in
            let members = (0..<group).map { $0 * groups + example % groups }
            let deviations = (0..<features).map { feature -> Double in
                let column = members.map { values[$0 * features + feature] }
                let mean = column.reduce(0, +) / Double(group)
                let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(group)
                return (variance + epsilon).squareRoot()
            }
            return deviations.reduce(0, +) / Double(features)
        }
    }

    @Test func appendsTheGroupsDeviationToFeatureVectors() {
        var random = SplitMix64(seed: 3)
        let input = Tensor(randomNormal: [8, 5], using: &random)
        let output = MinibatchStandardDeviation(groupSize: 4)(input)
        #expect(output.shape == [8, 6])
        let scalars = output.scalars
        for example in 0..<8 {
            #expect(Array(scalars[example * 6..<example * 6 + 5]) == Array(input.scalars[example * 5..<example * 5 + 5]))
        }
        let appended = (0..<8).map { Double(scalars[$0 * 6 + 5]) }
        let reference = Self.expected(input, group: 4)
        #expect(zip(appended, reference).allSatisfy { abs($0 - $1) < 1e-5 }, "\(appended) vs \(reference)")
        // Two groups: examples 0, 2, 4, 6 and 1, 3, 5, 7.
        #expect(appended[0] == appended[6] && appended[1] == appended[7] && appended[0] != appended[1])
    }

    @Test func addsAConstantChannelToImages() {
        var random = SplitMix64(seed: 4)
        let input = Tensor(randomNormal: [4, 2, 3, 3], using: &random)
        let output = MinibatchStandardDeviation(groupSize: 2)(input)
        #expect(output.shape == [4, 3, 3, 3])
        let reference = Self.expected(input, group: 2)
        let scalars = output.scalars
        for example in 0..<4 {
            let plane = scalars[(example * 27 + 18)..<(example * 27 + 27)]
            #expect(plane.allSatisfy { abs(Double($0) - reference[example]) < 1e-5 })
            #expect(Array(scalars[(example * 27)..<(example * 27 + 18)])
                    == Array(input.scalars[(example * 18)..<(example * 18 + 18)]))
        }
    }

    @Test func batchesThatAreNotMultiplesUseTheLargestDivisor() {
        let layer = MinibatchStandardDeviation(groupSize: 4)
        #expect([8, 6, 9, 7, 1, 2].map { layer.groupSize(forBatch: $0) } == [4, 3, 3, 1, 1, 2])
        // A batch of one has no spread: the statistic is √ε.
        let single = layer(Tensor(shape: [1, 3], scalars: [1, 2, 3]))
        #expect(abs(single.scalars[3] - Float(1e-8).squareRoot()) < 1e-9)
        // Identical examples score √ε as well: nothing distinguishes them.
        let repeated = layer(Tensor(shape: [4, 2], repeating: 0.7))
        #expect(repeated.scalars.enumerated().filter { $0.offset % 3 == 2 }.allSatisfy { abs($0.element - 1e-4) < 1e-7 })
    }

    @Test func gradientMatchesFiniteDifferences() {
        var random = SplitMix64(seed: 5)
        let layer = MinibatchStandardDeviation(groupSize: 2)
        let vectors = Tensor(randomNormal: [6, 3], using: &random)
        #expect(GradientCheck.maximumError(at: [vectors], step: 1e-3) { layer($0[0]) } < 1e-2)
        let images = Tensor(randomNormal: [4, 1, 2, 2], using: &random)
        #expect(GradientCheck.maximumError(at: [images], step: 1e-3) { layer($0[0]) } < 1e-2)
    }
}
