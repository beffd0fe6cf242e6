import ArgumentParser
import Foundation
import Testing

@testable import LatentCLI
@testable import LatentData

/// `latent data` refuses requests that would not fit in memory with one line, before allocating.
@Suite("Data command")
struct DataCommandTests {
    @Test func pointCountsHaveAnUpperBound() throws {
        for command in ["sample", "grid"] {
            do {
                _ = try DataCommand.parseAsRoot([command, "toy:ring8", "--count", "100000000000"])
                Issue.record("\(command) accepted 10^11 points")
            } catch {
                #expect(
                    DataCommand.message(for: error).contains("--count must be at most 10000000"),
                    "\(command)")
            }
        }
        let sample = try DataCommand.parseAsRoot(["sample", "toy:ring8", "--count", "10000000"])
        #expect((sample as? DataSampleCommand)?.count == 10_000_000)
    }

    @Test func hugeGridsStopBeforeAllocating() throws {
        let folder =
            FileManager.default.temporaryDirectory.path
            + "/latent-grid-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let image = PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 64, 128, 255])
        try image.write(to: folder + "/a.png")
        let out = folder + "/grid.png"
        for arguments in [["--padding", "100000"], ["--columns", "9223372036854775807"]] {
            let grid = try DataGridCommand.parse(
                ["folder:\(folder)?test=0", "--out", out] + arguments)
            #expect(throws: ExitCode.failure, "\(arguments)") { try grid.run() }
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        try DataGridCommand.parse(["folder:\(folder)?test=0", "--out", out]).run()
        #expect(FileManager.default.fileExists(atPath: out))
    }
}
