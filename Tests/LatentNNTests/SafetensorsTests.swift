import Foundation
import LatentTensor
import TestSupport
import Testing

@testable import LatentNN

/// Contents whose serialisation is committed as `Fixtures/latent-written.safetensors` and checked
/// by `scripts/reference/check_safetensors_roundtrip.py` with the Python `safetensors` package.
let latentWrittenContents = Safetensors(
    tensors: [
        "decoder.fc.weight": Tensor(shape: [2, 3], scalars: [1, -2, 0.5, 3.25, -0.0625, 1e-7]),
        "decoder.fc.bias": Tensor([0.25, -4]),
        "scale": Tensor(1.5),
        "empty": Tensor(zeros: [0, 3]),
    ],
    integers: [
        "counters.step": IntegerTensor(42),
        "counters.values": IntegerTensor(shape: [2], scalars: [-1, 1 << 40 + 3]),
    ],
    metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n accent é"])

@Suite("Safetensors")
struct SafetensorsTests {
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
    }

    // MARK: - Interoperability

    @Test func readsTheFileWrittenByPythonSafetensors() throws {
        // Values from scripts/reference/make_safetensors_fixture.py.
        let file = try Safetensors(contentsOf: Self.fixture("reference.safetensors"))
        #expect(file.names == ["counts", "encoder.bias", "encoder.weight", "scale", "step"])
        let weight = try #require(file.tensors["encoder.weight"])
        #expect(weight.shape == [2, 3])
        #expect(weight.scalars == [0.5, -1.25, 2, 3.5, -0.125, 1e-3])
        #expect(file.tensors["encoder.bias"]?.scalars == [1, 2, 3])
        #expect(file.tensors["scale"]?.shape == [])
        #expect(file.tensors["scale"]?.scalar == 0.75)
        #expect(file.integers["step"] == IntegerTensor(shape: [], scalars: [123_456_789_012]))
        #expect(file.integers["counts"]?.scalars == [-2, 0, 7, 9_007_199_254_740_993])
        #expect(file.metadata == ["format": "pt", "source": "make_safetensors_fixture.py"])
    }

    @Test func writesExactlyTheCommittedFileThatPythonReads() throws {
        let bytes = latentWrittenContents.serialized()
        if ProcessInfo.processInfo.environment["LATENT_REGENERATE_FIXTURES"] != nil {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/latent-written.safetensors")
            try Data(bytes).write(to: source)
        }
        let committed = try Data(contentsOf: Self.fixture("latent-written.safetensors"))
        #expect(bytes == [UInt8](committed))
    }

    @Test func headerIsPaddedSoDataStartsEightByteAligned() {
        let bytes = latentWrittenContents.serialized()
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect((8 + headerLength) % 8 == 0)
        #expect(bytes[8] == UInt8(ascii: "{"))
        #expect(
            bytes[8 + headerLength - 1] == UInt8(ascii: " ")
                || bytes[8 + headerLength - 1] == UInt8(ascii: "}"))
    }

    @Test func roundTripKeepsEveryValueShapeAndMetadata() throws {
        let read = try Safetensors(parsing: latentWrittenContents.serialized())
        #expect(read.names == latentWrittenContents.names)
        for (name, tensor) in latentWrittenContents.tensors {
            #expect(read.tensors[name]?.shape == tensor.shape)
            #expect(read.tensors[name]?.scalars == tensor.scalars)
        }
        #expect(read.integers == latentWrittenContents.integers)
        #expect(read.metadata == latentWrittenContents.metadata)
    }

    @Test func convertsOtherFloatAndIntegerTypes() throws {
        // F64 1.5, F16 -2.0 (0xC000) and 2⁻²⁴ (subnormal 0x0001), BF16 3.0 (0x4040), I32 -7.
        var data: [UInt8] = []
        withUnsafeBytes(of: Double(1.5).bitPattern.littleEndian) { data += $0 }
        data += [0x00, 0xC0, 0x01, 0x00, 0x40, 0x40]
        withUnsafeBytes(of: Int32(-7).littleEndian) { data += $0 }
        let header = """
            {"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},\
            "b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},\
            "c":{"dtype":"BF16","shape":[1],"data_offsets":[12,14]},\
            "d":{"dtype":"I32","shape":[1],"data_offsets":[14,18]}}
            """
        let file = try Safetensors(parsing: Self.image(header: header, data: data))
        #expect(file.tensors["a"]?.scalars == [1.5])
        #expect(file.tensors["b"]?.scalars == [-2, 0x1p-24])
        #expect(file.tensors["c"]?.scalars == [3])
        #expect(file.integers["d"]?.scalars == [-7])
    }

    // MARK: - Malformed files

    static func image(header: String, data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        return bytes + Array(header.utf8) + data
    }

    static func problem(_ bytes: [UInt8]) -> CheckpointError.Problem? {
        do {
            _ = try Safetensors(parsing: bytes, file: "model.safetensors")
            return nil
        } catch {
            return error.problem
        }
    }

    @Test func everyTruncationThrows() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.fixture("reference.safetensors")))
        for length in 0..<bytes.count {
            #expect(
                Self.problem(Array(bytes.prefix(length))) != nil, "truncated to \(length) bytes")
        }
        #expect(Self.problem(Array(bytes.prefix(5))) == .truncated(needed: 8, actual: 5))
        #expect(
            Self.problem(Array(bytes.prefix(100)))
                == .headerLengthBeyondFile(headerLength: 384, fileSize: 100))
        #expect(Self.problem(Array(bytes.dropLast())) == .truncated(needed: 472, actual: 471))
    }

    @Test func flippedHeaderBytesThrowOrReadNeverCrash() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.fixture("reference.safetensors")))
        let headerEnd = 8 + 384
        var failures = 0
        for index in 0..<headerEnd {
            for mask: UInt8 in [0x01, 0x20, 0x80, 0xFF] {
                var damaged = bytes
                damaged[index] ^= mask
                if Self.problem(damaged) != nil { failures += 1 }
            }
        }
        // Some flips leave a valid file (a letter of a name changes case); most must not.
        #expect(failures > headerEnd * 2)
        for index in 0..<8 {
            var damaged = bytes
            damaged[index] ^= 0x01
            #expect(Self.problem(damaged) != nil, "length byte \(index) flipped")
        }
    }

    @Test func deeplyNestedOrRandomHeadersThrowNeverCrash() throws {
        let nested =
            "{\"a\":" + String(repeating: "[", count: 100_000)
            + String(repeating: "]", count: 100_000) + "}"
        #expect(Self.problem(Self.image(header: nested, data: [])) != nil)
        // Seeded random damage: several header bytes replaced at once.
        let bytes = try [UInt8](Data(contentsOf: Self.fixture("reference.safetensors")))
        var generator = SplitMix64(seed: 11)
        for _ in 0..<2000 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                damaged[Int.random(in: 8..<392, using: &generator)] = UInt8.random(
                    in: 0...255, using: &generator)
            }
            _ = Self.problem(damaged)
        }
    }

    @Test func namesEachKindOfMalformedHeader() {
        let one = "\"dtype\":\"F32\",\"shape\":[1]"
        let cases: [(String, [UInt8], CheckpointError.Problem)] = [
            ("[1,2]", [], .notSafetensors(reason: "the header does not start with '{'")),
            ("{\"a\":", [], .badHeader(reason: "the header is not valid JSON")),
            (
                "{\"a\":{\(one),\"data_offsets\":[0,4]}} x", [0, 0, 0, 0],
                .badHeader(reason: "the header is not valid JSON")
            ),
            (
                "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", [],
                .unknownDtype(tensor: "a", dtype: "C64")
            ),
            (
                "{\"a\":{\(one),\"data_offsets\":[0,8]}}", Array(repeating: 0, count: 8),
                .offsetsOutOfRange(tensor: "a", begin: 0, end: 8, dataSize: 8)
            ),
            (
                "{\"a\":{\(one),\"data_offsets\":[4,0]}}", Array(repeating: 0, count: 8),
                .offsetsOutOfRange(tensor: "a", begin: 4, end: 0, dataSize: 8)
            ),
            (
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,-1],\"data_offsets\":[0,4]}}",
                [0, 0, 0, 0],
                .badHeader(reason: "entry a has no shape of non-negative integers")
            ),
            (
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],"
                    + "\"data_offsets\":[0,4]}}",
                [0, 0, 0, 0], .offsetsOutOfRange(tensor: "a", begin: 0, end: 4, dataSize: 4)
            ),
            ("{\"a\":{\(one)}}", [], .badHeader(reason: "entry a has no data_offsets pair")),
            (
                "{\"__metadata__\":{\"k\":1}}", [],
                .badHeader(reason: "__metadata__ value for k is not a string")
            ),
        ]
        for (header, data, expected) in cases {
            #expect(Self.problem(Self.image(header: header, data: data)) == expected, "\(header)")
        }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        #expect(
            Self.problem(png)
                == .headerLengthBeyondFile(
                    headerLength: 0x0A1A_0A0D_474E_5089, fileSize: 12))
    }

    @Test func errorDescriptionIsOneLineNamingTheFile() {
        let error = CheckpointError(
            file: "run/checkpoint.safetensors",
            problem: .mismatch([.missing("fc1.weight"), .unexpected("fc9.bias")]))
        #expect(
            error.description
                == "run/checkpoint.safetensors: does not match (2 differences): "
                + "missing fc1.weight; unexpected fc9.bias")
        #expect(!error.description.contains("\n"))
    }

    @Test func missingFileIsUnreadable() throws {
        let folder = try TemporaryFolder.createURL("safetensors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("absent.safetensors")
        #expect(
            throws: CheckpointError(
                file: url.path, problem: .unreadable(reason: "No such file or directory"))
        ) {
            try Safetensors(contentsOf: url)
        }
    }

    // MARK: - Atomic writing

    @Test func writeReplacesTheFileAndLeavesNoTemporary() throws {
        let folder = try TemporaryFolder.createURL("safetensors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try Safetensors(tensors: ["a": Tensor([1])]).write(to: url)
        try latentWrittenContents.write(to: url)
        #expect(try Safetensors(contentsOf: url).names == latentWrittenContents.names)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path) == [
                "model.safetensors"
            ])
    }

    @Test func failedRenameLeavesNoPartialFile() throws {
        // The target is a non-empty folder, so the final rename fails after the data is written.
        let folder = try TemporaryFolder.createURL("safetensors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("model.safetensors")
        try FileManager.default.createDirectory(
            at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: CheckpointError.self) { try latentWrittenContents.write(to: target) }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path) == [
                "model.safetensors"
            ])
    }

    @Test func missingFolderThrowsAndCreatesNothing() throws {
        let folder = try TemporaryFolder.createURL("safetensors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("absent/model.safetensors")
        #expect(throws: CheckpointError.self) { try latentWrittenContents.write(to: url) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test(.enabled(if: geteuid() != 0, "root writes into read-only folders"))
    func unwritableFolderThrowsAndKeepsTheOldFile() throws {
        let folder = try TemporaryFolder.createURL("safetensors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try Safetensors(tensors: ["old": Tensor([1])]).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        defer {
            try? FileManager.default.setAttributes(
                [.posixPermissions: 0o755], ofItemAtPath: folder.path)
        }
        #expect(throws: CheckpointError.self) { try latentWrittenContents.write(to: url) }
        #expect(try Safetensors(contentsOf: url).names == ["old"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path) == [
                "model.safetensors"
            ])
    }
}
