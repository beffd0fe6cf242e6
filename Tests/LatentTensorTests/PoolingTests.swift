import LatentTensor
import TestSupport
import Testing

@Suite("Pooling")
struct PoolingTests {
    var generator = SplitMix64(seed: 31)

    /// 0…15 in a 4×4 image, rows of four.
    let ramp = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))

    @Test func maxPoolOfKnownImage() {
        #expect(ramp.maxPool2d().scalars == [5, 7, 13, 15])
        #expect(ramp.maxPool2d(size: 3, stride: 1).scalars == [10, 11, 14, 15])
    }

    @Test func avgPoolOfKnownImage() {
        #expect(ramp.avgPool2d().scalars == [2.5, 4.5, 10.5, 12.5])
        #expect(ramp.avgPool2d(size: 3, stride: 1).scalars == [5, 6, 9, 10])
    }

    @Test func imageSmallerThanTheWindowNamesTheShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor(zeros: [1, 1, 1, 4]).maxPool2d()
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("maxPool2d") && message.contains("[1, 1, 1, 4]"))
    }

    @Test func maxPoolGradientGoesToTheArgMax() {
        let x = ramp.requiringGradient()
        let gradient = x.maxPool2d().sum().gradients(withRespectTo: [x])[0]
        #expect(gradient.scalars == [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1])
    }

    /// Distinct values at least 0.1 apart, so a finite-difference step never changes an arg-max.
    private mutating func separatedValues(_ shape: [Int]) -> Tensor {
        let values = (0..<shape.elementCount).map { Float($0) * 0.1 - 1 }.shuffled(using: &generator)
        return Tensor(shape: shape, scalars: values)
    }

    @Test(arguments: [(2, 2), (3, 1), (3, 2)])
    mutating func maxPoolGradients(size: Int, stride: Int) {
        let x = separatedValues([2, 2, 5, 5])
        let error = GradientCheck.maximumError(at: [x]) {
            $0[0].maxPool2d(size: size, stride: stride)
        }
        #expect(error < 1e-2)
    }

    @Test(arguments: [(2, 2), (3, 1), (3, 2)])
    mutating func avgPoolGradients(size: Int, stride: Int) {
        let x = Tensor(randomNormal: [2, 2, 5, 5], using: &generator)
        let error = GradientCheck.maximumError(at: [x]) { $0[0].avgPool2d(size: size, stride: stride) }
        #expect(error < 1e-2)
    }

    /// The pullbacks are themselves differentiable: second order through `pool(x)²`; tolerance 1e-2.
    @Test mutating func secondOrderThroughPooling() {
        let x = separatedValues([1, 2, 4, 4])
        let error = GradientCheck.maximumSecondOrderError(parameters: [x]) { inputs in
            let pooled = inputs[0].maxPool2d(size: 3, stride: 1) + inputs[0].avgPool2d()
            let gradient = pooled.squared().sum()
                .gradients(withRespectTo: [inputs[0]], createsGraph: true)[0]
            return (gradient * inputs[0]).squared().sum()
        }
        #expect(error < 1e-2)
    }
}
