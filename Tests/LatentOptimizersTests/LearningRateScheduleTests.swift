import LatentNN
import LatentTensor
import Testing

@testable import LatentOptimizers

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    @Test func stepScheduleDecaysEveryStepSize() {
        let schedule = StepSchedule(stepSize: 3, gamma: 0.5)
        let rates = (0..<8).map { schedule.learningRate(atStep: $0, initial: 0.8) }
        #expect(rates == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2])
    }

    @Test func cosineScheduleFollowsHalfACosineThenHolds() {
        let schedule = CosineSchedule(totalSteps: 4, minimumLearningRate: 0.1)
        // 0.1 + 0.9 · (1 + cos(π t / 4)) / 2 for t = 0...4, then held.
        let expected: [Float] = [1, 0.868198052, 0.55, 0.231801948, 0.1, 0.1]
        let rates = (0..<6).map { schedule.learningRate(atStep: $0, initial: 1) }
        #expect(zip(rates, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(rates)")
    }

    @Test func optimizerTakesTheRateOfItsStepCount() {
        let parameter = Parameter(Tensor([1]))
        let optimizer = SGD(learningRate: 1)
        let schedule = StepSchedule(stepSize: 1, gamma: 0.5)
        var rates: [Float] = []
        for _ in 0..<3 {
            optimizer.adjustLearningRate(using: schedule)
            rates.append(optimizer.learningRate)
            optimizer.update([parameter], with: [Tensor([1])])
        }
        #expect(rates == [1, 0.5, 0.25])
        #expect(parameter.value.scalars == [1 - 1.75])
        optimizer.adjustLearningRate(using: schedule, atStep: 0)
        #expect(optimizer.learningRate == 1)
        #expect(optimizer.initialLearningRate == 1)
    }
}
