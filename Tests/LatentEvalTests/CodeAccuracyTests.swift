import Testing

@testable import LatentEval

@Suite("CodeAccuracy")
struct CodeAccuracyTests {
    /// Codes that are a permutation of the classes score 1 and recover the permutation.
    @Test func permutedCodesScoreOne() {
        let permutation = [3, 0, 2, 1]
        let codes = (0..<40).map { $0 % 4 }
        let result = CodeAccuracy.measure(
            codes: codes, predicted: codes.map { permutation[$0] }, codeCount: 4, classCount: 4)
        #expect(result.accuracy == 1)
        #expect(result.assignment == permutation)
    }

    /// The one-to-one matching beats the greedy one: code 0 matches class 0 best (5) but code 1
    /// only class 0 (4), so the best total gives code 0 class 1 (4 + 4 = 8 against 5 + 0).
    @Test func assignmentIsOneToOneAndOptimal() {
        let codes = Array(repeating: 0, count: 9) + Array(repeating: 1, count: 4)
        let predicted = Array(repeating: 0, count: 5) + Array(repeating: 1, count: 4) + Array(repeating: 0, count: 4)
        let result = CodeAccuracy.measure(codes: codes, predicted: predicted, codeCount: 2, classCount: 2)
        #expect(result.assignment == [1, 0])
        #expect(result.accuracy == 8.0 / 13.0)
        #expect(result.confusion == [[5, 4], [4, 0]])
    }

    /// Two codes that both look like one class cannot both be credited with it; with more
    /// codes than classes each takes its majority class.
    @Test func collapsedCodesAreNotDoubleCounted() {
        let codes = [0, 0, 1, 1, 2, 2]
        let predicted = [5, 5, 5, 5, 7, 7]
        let oneToOne = CodeAccuracy.measure(codes: codes, predicted: predicted, codeCount: 3, classCount: 10)
        #expect(oneToOne.accuracy == 4.0 / 6.0)
        let manyToOne = CodeAccuracy.measure(
            codes: codes, predicted: predicted.map { $0 == 5 ? 0 : 1 }, codeCount: 3, classCount: 2)
        #expect(manyToOne.assignment == [0, 0, 1])
        #expect(manyToOne.accuracy == 1)
    }
}
