import Foundation
import LatentData
import Testing

@testable import LatentModels

@Suite("TensorBoard event files")
struct TensorBoardEventsTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// CRC-32C's check value (the CRC of the ASCII digits 1–9) and the empty input.
    @Test func crc32CMatchesTheCheckValue() {
        #expect(TensorBoardEvents.crc32C(Array("123456789".utf8)) == 0xE306_9283)
        #expect(TensorBoardEvents.crc32C([]) == 0)
    }

    /// The version record, a record of two scalars and a record of a PNG image, byte for byte
    /// as TensorBoard's own protobuf classes and record writer frame the same events
    /// (`scripts/reference/tensorboard_record.py`).
    @Test func recordsMatchTensorBoardsWriter() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = try TensorBoardEvents(directory: directory, wallTime: 1.5)
        events.addScalars([("loss", 0.25), ("test_kl", -3)], step: 300, wallTime: 1.5)
        events.addImage(tag: "samples", png: [0x89, 0x50, 0x4E, 0x47], width: 3, height: 2, channels: 1,
                        step: 7, wallTime: 2)
        let written = [UInt8](try Data(contentsOf: events.url))
        let expected = bytes(hex: "1800000000000000a37f4b2209000000000000f83f1a0d627261696e2e4576656e743a322a28646c")
            + bytes(hex: "2b00000000000000861bc34b09000000000000f83f10ac022a1d0a0b0a046c6f7373150000803e0a0e0a07"
                + "746573745f6b6c15000040c0be587281")
            + bytes(hex: "2600000000000000734fe30009000000000000004010072a190a170a0773616d706c6573220c0802100318"
                + "01220489504e47e3b6d721")
        #expect(written == expected)
        #expect(events.url.lastPathComponent.hasPrefix("events.out.tfevents.1."))
    }

    /// A session start, byte for byte as TensorBoard's classes write it (what PyTorch's
    /// `SummaryWriter(purge_step:)` writes), and what a resumed metrics log does with it: the
    /// records past the checkpoint's step are dropped from metrics.jsonl, and the new event file
    /// opens with a session start at the next step.
    @Test func aResumedLogDropsTheRecordsPastItsCheckpoint() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = try TensorBoardEvents(directory: directory, wallTime: 1.5)
        let versionLength = [UInt8](try Data(contentsOf: events.url)).count
        events.addSessionStart(step: 21, wallTime: 3)
        let restart = [UInt8](try Data(contentsOf: events.url)).dropFirst(versionLength)
        #expect(Array(restart) == bytes(hex: "0f000000000000006d532b0909000000000000084010153a02080166e7fcfe"))

        let url = directory.appendingPathComponent("metrics.jsonl")
        let first = try MetricsLog(url: url, tensorBoard: false)
        for step in [10, 20, 30] { first.append([("step", .integer(step)), ("loss", .number(Double(step)))]) }
        let resumed = try MetricsLog(url: url, continuingFrom: 20)
        resumed.append([("step", .integer(21)), ("loss", .number(1))])
        #expect(MetricsLog.read(url).compactMap { $0["step"] as? Int } == [10, 20, 21])
        let written = [UInt8](try Data(contentsOf: resumed.events!.url))
        var start = ProtocolBuffer()
        start.varint(2, 21)
        start.bytes(7, [0x08, 0x01])
        #expect(written.indices.contains { written[$0...].starts(with: start.bytes) }, "a session start at step 21")
    }

    /// A metrics record goes to the event file under its keys, without the bookkeeping
    /// (step, epoch, seconds, text); a second log in the same folder starts a file of its own.
    @Test func metricsRecordsBecomeScalars() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try MetricsLog(url: directory.appendingPathComponent("metrics.jsonl"))
        log.append([("step", .integer(40)), ("epoch", .integer(1)), ("split", .text("train")),
                    ("loss", .number(101.5)), ("seconds", .number(3))])
        log.append([("epoch", .integer(1)), ("loss", .number(99))])  // no step: metrics.jsonl only
        let written = [UInt8](try Data(contentsOf: log.events!.url))
        var expected = ProtocolBuffer()
        expected.bytes(1, Array("loss".utf8))
        expected.float(2, 101.5)
        let text = String(decoding: written, as: UTF8.self)
        #expect(written.count > 0 && text.contains("loss") && !text.contains("epoch") && !text.contains("seconds")
            && !text.contains("train"))
        #expect(written.indices.contains { written[$0...].starts(with: expected.bytes) })
        #expect(text.components(separatedBy: "loss").count == 2, "one scalar record, not two")
        let second = try MetricsLog(url: directory.appendingPathComponent("metrics.jsonl"))
        #expect(second.events!.url != log.events!.url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("events.out.tfevents.") }.count == 2)
    }
}
