import LatentTensor
import Testing

@testable import LatentData

/// Random truncations and byte flips of small valid files: every reader must either decode or
/// throw a `DataError`, never crash or hang. Seeded, so a failure reproduces.
@Suite("Fuzz")
struct FuzzTests {
    /// Applies 1–4 random byte flips, or a truncation, or both.
    private func mutated(_ bytes: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var copy = bytes
        switch Int.random(in: 0..<3, using: &generator) {
        case 0:
            copy.removeSubrange(Int.random(in: 0..<copy.count, using: &generator)...)
        case 1:
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                copy[Int.random(in: 0..<copy.count, using: &generator)] ^=
                    UInt8.random(in: 1...255, using: &generator)
            }
        default:
            copy[Int.random(in: 0..<copy.count, using: &generator)] =
                UInt8.random(in: 0...255, using: &generator)
            copy.removeSubrange(Int.random(in: 0..<copy.count, using: &generator)...)
        }
        return copy
    }

    /// Runs `decode` on `cases` mutations of `valid`; returns how many were rejected.
    private func fuzz(
        _ valid: [UInt8], cases: Int, seed: UInt64, _ decode: ([UInt8]) throws -> Void
    ) -> Int {
        var generator = SplitMix64(seed: seed)
        var rejected = 0
        for _ in 0..<cases {
            do {
                try decode(mutated(valid, using: &generator))
            } catch let error as DataError {
                #expect(!error.description.contains("\n"))
                #expect(error.description.contains("fuzz"))
                rejected += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        return rejected
    }

    @Test func npy() {
        let valid = NPY.encode(Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) / 7 }))
        let rejected = fuzz(valid, cases: 1000, seed: 11) { bytes in _ = try NPY.decode(bytes, path: "fuzz.npy") }
        #expect(rejected > 300)
    }

    @Test func rawIDX() {
        var generator = SplitMix64(seed: 1)
        for type in IDXFile.ElementType.allCases {
            let values = (0..<60).map { _ in Double(Int.random(in: 0...100, using: &generator)) }
            let valid = IDXFile.encode(values, dimensions: [3, 4, 5], elementType: type)
            let rejected = fuzz(valid, cases: 400, seed: UInt64(type.rawValue)) { bytes in
                let file = try IDXFile(parsing: bytes, path: "fuzz.idx")
                _ = file.doubleValues()
            }
            #expect(rejected > 200)
        }
    }

    @Test func gzippedIDX() {
        let values = (0..<784).map { Double(($0 * 37) % 256) }
        let valid = Zlib.gzip(
            IDXFile.encode(values, dimensions: [1, 28, 28], elementType: .unsignedByte))
        let rejected = fuzz(valid, cases: 2000, seed: 2) { bytes in
            _ = try IDXFile(parsing: bytes, path: "fuzz.idx.gz")
        }
        #expect(rejected > 1500)
    }

    @Test func rawGzipStreams() {
        let valid = Zlib.gzip(Array("the quick brown fox jumps over the lazy dog, 42 times".utf8))
        _ = fuzz(valid, cases: 2000, seed: 3) { bytes in
            _ = try Zlib.decompress(bytes, path: "fuzz.gz")
        }
    }

    @Test(arguments: [1, 3, 4])
    func png(channels: Int) {
        var generator = SplitMix64(seed: 4)
        let pixels = (0..<(9 * 6 * channels)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
        }
        let valid = PNGImage(width: 9, height: 6, channels: channels, pixels: pixels).encoded()
        let rejected = fuzz(valid, cases: 1500, seed: UInt64(channels)) { bytes in
            _ = try PNGImage(decoding: bytes, path: "fuzz.png")
        }
        #expect(rejected > 1000)
    }
}
