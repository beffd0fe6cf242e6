import Foundation
import Testing

@testable import LatentModels

@Suite("TrainingSchedule")
struct TrainingScheduleTests {
    func rates(_ schedule: TrainingSchedule, epochs: Int, through last: Int) -> [Float] {
        (0...last).map { schedule.learningRate(epoch: $0, base: 1e-3, final: 1e-5, epochs: epochs) }
    }

    @Test func exponentialFallsGeometricallyFromBaseToFinal() {
        let values = rates(.exponential, epochs: 5, through: 6)
        let expected: [Float] = [1e-3, 3.162_277_7e-4, 1e-4, 3.162_277_7e-5, 1e-5, 1e-5, 1e-5]
        for (value, reference) in zip(values, expected) { #expect(abs(value / reference - 1) < 1e-5) }
    }

    @Test func cosineFollowsHalfACosineFromBaseToFinal() {
        let values = rates(.cosine, epochs: 5, through: 5)
        let halfway: Float = 1e-5 + (1e-3 - 1e-5) / 2
        let expected: [Float] = [1e-3, 1e-5 + (1e-3 - 1e-5) * (1 + 0.707_106_78) / 2, halfway,
                                 1e-5 + (1e-3 - 1e-5) * (1 - 0.707_106_78) / 2, 1e-5, 1e-5]
        for (value, reference) in zip(values, expected) { #expect(abs(value / reference - 1) < 1e-5) }
    }

    @Test func aOneEpochRunAndTheConstantScheduleKeepTheBaseRate() {
        #expect(rates(.exponential, epochs: 1, through: 0) == [1e-3])
        #expect(rates(.cosine, epochs: 1, through: 0) == [1e-3])
        #expect(rates(.constant, epochs: 4, through: 5).allSatisfy { $0 == 1e-3 })
    }

    /// 3^i passes at 0.001·10^(−i/7): stage boundaries after 1, 4, 13, … 3,280 passes.
    @Test func theIWAEScheduleChangesAtPowersOfThree() {
        let schedule = TrainingSchedule.iwaePaper
        func rate(_ epoch: Int) -> Float { schedule.learningRate(epoch: epoch, base: 5, final: 5, epochs: 3280) }
        #expect(rate(0) == 0.001)
        #expect(abs(rate(1) - 0.001 * Float(pow(10, -1.0 / 7))) < 1e-9)
        #expect(rate(3) == rate(1) && rate(4) < rate(3))
        #expect(abs(rate(3279) - 0.001 * Float(pow(10, -1.0))) < 1e-9)
    }

    /// `config.json` files written before `finalLearningRate` existed still load.
    @Test func optionsWithoutAFinalRateDecode() throws {
        var options = VariationalTrainingOptions()
        options.schedule = .cosine
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(options)) as! [String: Any]
        object.removeValue(forKey: "finalLearningRate")
        let decoded = try JSONDecoder().decode(
            VariationalTrainingOptions.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded == options && decoded.finalLearningRate == nil)
    }
}
