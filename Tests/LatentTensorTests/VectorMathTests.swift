import Foundation
import LatentTensor
import Testing

/// The vectorised exp, log, sigmoid, tanh and softplus against libm in Double.
///
/// Tolerance: 1e-6 relative (about 8 ulp of Float; the kernels are within 1–2 ulp), plus 1e-37
/// absolute for results near the subnormal range, on a sweep of 20001 points and special values.
@Suite("Vector math")
struct VectorMathTests {
    static let sweep: [Float] = (0...20_000).map { Float($0 - 10_000) / 100 }  // −100 … 100
        + [0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7, 1e-3, -1e-3, 0.624, 0.626, -0.624, -0.626,
           88.7, 88.72, -87.3, -103, -103.9, 20, -20, 40, -40]

    static func check(
        _ name: String, _ apply: (Tensor) -> Tensor, _ reference: (Double) -> Double,
        inputs: [Float] = sweep
    ) {
        let output = apply(Tensor(inputs)).scalars
        var worst = 0.0, worstInput: Float = 0
        for (x, y) in zip(inputs, output) {
            let expected = reference(Double(x))
            guard expected.isFinite, abs(expected) < Double(Float.greatestFiniteMagnitude) else {
                #expect(Double(y) == Float(expected).asDouble || (y.isNaN && expected.isNaN), "\(name)(\(x))")
                continue
            }
            let error = abs(Double(y) - expected) / max(abs(expected), 1e-37)
            if error > worst { worst = error; worstInput = x }
        }
        #expect(worst <= 1e-6, "\(name): relative error \(worst) at x = \(worstInput)")
    }

    @Test func exp() { Self.check("exp", { $0.exp() }, Foundation.exp) }

    @Test func log() {
        let positive = Self.sweep.map { Swift.abs($0) }.filter { $0 > 0 }
            + [1, 1 + 1e-6, 1 - 1e-6, 1e-38, 1e-40, 3e38, Float.leastNonzeroMagnitude]
        Self.check("log", { $0.log() }, Foundation.log, inputs: positive)
    }

    @Test func sigmoid() { Self.check("sigmoid", { $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }) }

    @Test func tanh() { Self.check("tanh", { $0.tanh() }, Foundation.tanh) }

    @Test func softplus() {
        Self.check("softplus", { $0.softplus() }, { max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) })
    }

    @Test func specialValues() {
        let special = Tensor([.infinity, -.infinity, .nan, 0, -1, 89, -110])
        let exp = special.exp().scalars
        #expect(exp[0] == .infinity && exp[1] == 0 && exp[2].isNaN && exp[3] == 1)
        #expect(exp[5] == .infinity && exp[6] == 0)
        let log = special.log().scalars
        #expect(log[0] == .infinity && log[1].isNaN && log[2].isNaN && log[3] == -.infinity)
        #expect(log[4].isNaN)
        let sigmoid = special.sigmoid().scalars
        #expect(sigmoid[0] == 1 && sigmoid[1] == 0 && sigmoid[2].isNaN && sigmoid[3] == 0.5)
        let tanh = special.tanh().scalars
        #expect(tanh[0] == 1 && tanh[1] == -1 && tanh[2].isNaN && tanh[3] == 0)
        let softplus = special.softplus().scalars
        #expect(softplus[0] == .infinity && softplus[1] == 0 && softplus[2].isNaN)
        #expect(softplus[5] == 89)
    }
}

extension Float {
    fileprivate var asDouble: Double { Double(self) }
}
