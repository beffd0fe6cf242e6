import Foundation
import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

@Suite("Activations")
struct ActivationsTests {
    let input = Tensor(shape: [2, 3], scalars: [-2, -0.5, 0, 0.5, 1, 3])

    func expect(_ layer: any Layer, _ reference: (Double) -> Double) {
        #expect(layer.namedParameters.isEmpty)
        let expected = input.scalars.map { Float(reference(Double($0))) }
        #expect(
            Close.tensor(layer(input), shape: [2, 3], expected, tolerance: 1e-6),
            "\(type(of: layer))")
    }

    @Test func eachLayerAppliesItsFormula() {
        expect(ReLU()) { max($0, 0) }
        expect(LeakyReLU()) { $0 > 0 ? $0 : 0.01 * $0 }
        expect(LeakyReLU(negativeSlope: 0.2)) { $0 > 0 ? $0 : 0.2 * $0 }
        expect(ELU()) { $0 > 0 ? $0 : Foundation.exp($0) - 1 }
        expect(ELU(alpha: 0.5)) { $0 > 0 ? $0 : 0.5 * (Foundation.exp($0) - 1) }
        expect(Tanh()) { Foundation.tanh($0) }
        expect(Sigmoid()) { 1 / (1 + Foundation.exp(-$0)) }
        expect(Softplus()) { Foundation.log(1 + Foundation.exp($0)) }
    }
}
