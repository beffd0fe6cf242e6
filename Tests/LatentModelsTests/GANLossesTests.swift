import LatentNN
import LatentTensor
import TestSupport
import Testing

@testable import LatentModels

/// The adversarial objectives on fixed inputs; expected values from
/// scripts/reference/adversarial_losses.py (real logits [0, 2], fake logits [−1, 4]).
@Suite("GAN losses")
struct GANLossesTests {
    let real = Tensor([0, 2])
    let fake = Tensor([-1, 4])

    @Test(arguments: [
        (AdversarialLoss.minimax, Float(1), Float(2.575743403519475)),
        (.nonSaturating, 1, 2.575743403519475),
        (.nonSaturating, 0.9, 2.675743403519475),
        (.wasserstein, 1, 0.5),
        (.hinge, 1, 3.0),
    ])
    func discriminatorLoss(loss: AdversarialLoss, target: Float, expected: Float) {
        let value = AdversarialLosses.discriminator(real: real, fake: fake, loss: loss, realTarget: target)
        #expect(abs(value.scalar - expected) < 1e-5, "\(loss) D: \(value.scalar) vs \(expected)")
    }

    @Test(arguments: [
        (AdversarialLoss.minimax, Float(-2.165705807718016)),
        (.nonSaturating, 0.6657058077180162),
        (.wasserstein, -1.5),
        (.hinge, -1.5),
    ])
    func generatorLoss(loss: AdversarialLoss, expected: Float) {
        let value = AdversarialLosses.generator(fake: fake, loss: loss)
        #expect(abs(value.scalar - expected) < 1e-5, "\(loss) G: \(value.scalar) vs \(expected)")
    }

    /// The minimax generator loss saturates where D rejects samples confidently: its gradient
    /// at a logit of −6 is σ(−6) ≈ 0.0025, the non-saturating loss's is 1 − σ(−6) ≈ 0.9975.
    @Test func minimaxSaturates() {
        let logit = Tensor([-6]).requiringGradient()
        let minimax = AdversarialLosses.generator(fake: logit, loss: .minimax)
            .gradients(withRespectTo: [logit])[0].scalars[0]
        let nonSaturating = AdversarialLosses.generator(fake: logit, loss: .nonSaturating)
            .gradients(withRespectTo: [logit])[0].scalars[0]
        #expect(abs(abs(minimax) - 0.0024726) < 1e-5)
        #expect(abs(abs(nonSaturating) - 0.9975274) < 1e-5)
    }

    @Test func featureMatching() {
        let value = AdversarialLosses.featureMatching(
            real: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]),
            fake: Tensor(shape: [2, 2], scalars: [0, 0, 2, 2]))
        #expect(abs(value.scalar - 5) < 1e-5)
    }

    @Test func mutualInformation() {
        let predictions = Tensor(shape: [2, 4], scalars: [1, 0, -1, 0.5, 0, 2, 0, -1])
        let codes = GeneratorCodes(categories: [0, 1], continuous: Tensor(shape: [2, 1], scalars: [1, 0]))
        let value = AdversarialLosses.mutualInformation(
            predictions: predictions, codes: codes, categorical: 3, continuousWeight: 0.1)
        #expect(abs(value.scalar - 0.3548253653331326) < 1e-5)
    }

    /// A linear critic w·x with w = (3, 4) has ‖∇‖ = 5 everywhere: penalty (5 − 1)² = 16.
    @Test func penaltyOfLinearCritic() {
        let weight = Tensor(shape: [2, 1], scalars: [3, 4])
        var random = SplitMix64(seed: 5)
        let points = Tensor(randomNormal: [6, 2], using: &random)
        let (penalty, norm) = AdversarialLosses.gradientPenalty(
            real: points, fake: points * 2, critic: { $0.matmul(weight).reshaped(to: [-1]) },
            using: &random)
        #expect(abs(penalty.scalar - 16) < 1e-4)
        #expect(abs(norm - 5) < 1e-5)
    }

    /// The penalty's gradient with respect to a smooth tiny critic's parameters (a second-order
    /// derivative) against central differences; tolerance 2e-3 (Float32, step 1e-2).
    @Test func penaltyGradientMatchesFiniteDifferences() {
        var random = SplitMix64(seed: 11)
        let points = Tensor(randomNormal: [4, 3], using: &random)
        let parameters = [
            Tensor(randomNormal: [3, 5], using: &random), Tensor(randomNormal: [5], using: &random),
            Tensor(randomNormal: [5, 1], using: &random),
        ]
        let error = GradientCheck.maximumSecondOrderError(parameters: parameters) { p in
            let critic = { (x: Tensor) in (x.matmul(p[0]) + p[1]).tanh().matmul(p[2]).reshaped(to: [-1]) }
            return AdversarialLosses.gradientPenalty(
                at: points.detached().requiringGradient(), critic: critic
            ).penalty
        }
        #expect(error < 2e-3, "worst error \(error)")
    }

    /// Per-sample α: interpolates between x and G(z) lie on each pair's segment with distinct
    /// weights, checked through a critic that records its input.
    @Test func interpolationWeightsArePerSample() {
        var random = SplitMix64(seed: 3)
        let real = Tensor(zeros: [8, 1, 2, 2]), fake = Tensor(ones: [8, 1, 2, 2])
        var seen = Tensor(0)
        _ = AdversarialLosses.gradientPenalty(
            real: real, fake: fake, critic: { seen = $0; return $0.sum(alongAxes: [1, 2, 3]) },
            using: &random)
        let rows = seen.reshaped(to: [8, 4]).scalars
        let weights = (0..<8).map { rows[$0 * 4] }
        for row in 0..<8 { #expect(Set(rows[(row * 4)..<(row * 4 + 4)]).count == 1) }
        #expect(Set(weights).count == 8)
    }
}
