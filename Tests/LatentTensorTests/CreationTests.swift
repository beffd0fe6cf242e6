import LatentTensor
import TestSupport
import Testing

@Suite("Creation")
struct CreationTests {
    @Test func filledTensors() {
        #expect(Tensor(zeros: [2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor(ones: [2]).scalars == [1, 1])
        #expect(Tensor(shape: [2, 2], repeating: 7).scalars == [7, 7, 7, 7])
        #expect(Tensor(3).shape == [] && Tensor(3).scalar == 3 && Tensor(3).rank == 0)
        #expect(Tensor([1, 2, 3]).shape == [3])
        let matrix = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        #expect(matrix.rank == 2 && matrix.scalarCount == 4)
        let written = Tensor(shape: [3]) { buffer in
            for index in buffer.indices { buffer[index] = Float(index * index) }
        }
        #expect(written.scalars == [0, 1, 4])
        #expect(Tensor(zeros: [2, 0]).scalarCount == 0)
    }

    @Test func rangesAndLinearSpaces() {
        #expect(Tensor(rangeFrom: 0, to: 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor(rangeFrom: 1, to: 2, stride: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor(rangeFrom: 5, to: 0, stride: -2).scalars == [5, 3, 1])
        #expect(Tensor(rangeFrom: 3, to: 3).scalarCount == 0)
        #expect(Tensor(linearSpaceFrom: 0, to: 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor(linearSpaceFrom: 2, to: -2, count: 3).scalars == [2, 0, -2])
        // Like NumPy and PyTorch, a single point is the start.
        #expect(Tensor(linearSpaceFrom: 3, to: 7, count: 1).scalars == [3])
    }

    @Test func identity() {
        #expect(Tensor(identity: 3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor(identity: 1).scalars == [1])
    }

    @Test func copiesAreIndependent() {
        let original = Tensor([1, 2, 3])
        var copy = original
        copy.withUnsafeMutableScalars { $0[0] = 99 }
        #expect(original.scalars == [1, 2, 3])
        #expect(copy.scalars == [99, 2, 3])
        // A reshaped view shares storage until written.
        var view = original.reshaped(to: [3, 1])
        view.withUnsafeMutableScalars { $0[2] = -1 }
        #expect(original.scalars == [1, 2, 3] && view.scalars == [1, 2, -1])
        // A tensor that is the only owner of its storage is written in place.
        var unique = Tensor([5, 6])
        unique.withUnsafeMutableScalars { $0[1] = 0 }
        #expect(unique.scalars == [5, 0])
    }

    @Test func mutatingInPlaceDropsHistory() {
        var x = Tensor([1, 2]).requiringGradient() * 2
        #expect(x.requiresGradient)
        x.withUnsafeMutableScalars { $0[0] = 0 }
        #expect(!x.requiresGradient)
    }
}
