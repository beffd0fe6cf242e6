import LatentDistributed
import LatentNN
import LatentOptimizers
import LatentTensor

// The losses and updates of one adversarial step: D's and G's objectives, their optimiser steps
// on the gradients averaged over the ranks, and the step's telemetry.
extension AdversarialTrainer {
    /// D's objective on one real and one generated batch: the adversarial loss, plus λ times
    /// the gradient penalty and InfoGAN's mutual-information term where they apply.
    func discriminatorObjective(
        real: Tensor, labels: [Int]?, fake: Tensor, codes: GeneratorCodes,
        using random: inout some RandomNumberGenerator
    ) -> (total: Tensor, adversarial: Tensor, realScore: Tensor, fakeScore: Tensor,
          penalty: Tensor?, interpolateGradientNorm: Float?)
    {
        let discriminator = model.discriminator
        let fakeFeatures = discriminator.features(fake, labels: labels)
        let realScore = discriminator.score(features: discriminator.features(real, labels: labels), labels: labels)
        let fakeScore = discriminator.score(features: fakeFeatures, labels: labels)
        let adversarial = AdversarialLosses.discriminator(
            real: realScore, fake: fakeScore, loss: model.configuration.loss,
            realTarget: 1 - options.labelSmoothing)
        var total = adversarial
        var penalty: Tensor?, norm: Float?
        if options.penaltyWeight > 0 {
            (penalty, norm) = AdversarialLosses.gradientPenalty(
                real: real, fake: fake, critic: { discriminator($0, labels: labels) }, using: &random)
            total = total + options.penaltyWeight * penalty!
        }
        if model.configuration.hasCodeHead {
            total = total + options.informationWeight * information(fakeFeatures, codes)
        }
        return (total, adversarial, realScore, fakeScore, penalty, norm)
    }

    /// G's objective for one generator input: the adversarial loss (or feature matching
    /// against `real`), plus InfoGAN's mutual-information term.
    func generatorObjective(input: Tensor, codes: GeneratorCodes, real: Tensor, labels: [Int]?)
        -> (total: Tensor, adversarial: Tensor, information: Tensor?)
    {
        let discriminator = model.discriminator
        let fakeFeatures = discriminator.features(model.generator(input), labels: labels)
        let adversarial: Tensor
        if options.featureMatching {
            let realFeatures = withoutGradients { discriminator.features(real, labels: labels) }
            adversarial = AdversarialLosses.featureMatching(real: realFeatures, fake: fakeFeatures)
        } else {
            adversarial = AdversarialLosses.generator(
                fake: discriminator.score(features: fakeFeatures, labels: labels), loss: model.configuration.loss)
        }
        guard model.configuration.hasCodeHead else { return (adversarial, adversarial, nil) }
        let information = information(fakeFeatures, codes)
        return (adversarial + options.informationWeight * information, adversarial, information)
    }

    /// One optimiser step of D on `loss`, then WGAN's clipping.
    func updateDiscriminator(_ loss: Tensor) {
        let parameters = model.discriminator.trainableParameters
        discriminatorOptimizer.update(parameters, with: meanGradients(loss, parameters))
        if let clip = options.clipValue { clampParameters(parameters, to: -clip...clip) }
    }

    /// One optimiser step of G on `loss`, then the weight average; returns the gradient's norm.
    func updateGenerator(_ loss: Tensor) -> Float {
        let parameters = model.generator.trainableParameters
        let gradients = meanGradients(loss, parameters)
        generatorOptimizer.update(parameters, with: gradients)
        model.updateAverage(decay: options.averageDecay)
        return gradientNorm(gradients)
    }

    /// The gradients of `loss` averaged over the ranks (each has an equal share of the batch).
    func meanGradients(_ loss: Tensor, _ parameters: [Parameter]) -> [Tensor] {
        group.combinedGradients(loss.gradients(withRespectTo: parameters.map(\.value)), weight: 1 / Float(group.size))
    }

    /// The means over the ranks of each rank's `values`; one process: the values themselves.
    func meanOverRanks(_ values: [Float]) -> [Float] {
        guard group.size > 1 else { return values }
        return group.sum(values.map(Double.init)).map { Float($0 / Double(group.size)) }
    }

    func information(_ features: Tensor, _ codes: GeneratorCodes) -> Tensor {
        AdversarialLosses.mutualInformation(
            predictions: model.discriminator.codePredictions(features: features), codes: codes,
            categorical: model.configuration.categoricalCode,
            continuousWeight: options.continuousWeight)
    }

    func meanScore(_ scores: Tensor) -> Float {
        withoutGradients { model.configuration.loss.isLogistic ? scores.sigmoid().mean().scalar : scores.mean().scalar }
    }
}
