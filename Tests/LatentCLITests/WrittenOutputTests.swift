import Foundation
import Testing

@testable import LatentCLI
@testable import LatentData

/// `--json` of the picture commands: what was written, as one JSON object.
@Suite("Written output")
struct WrittenOutputTests {
    func object(_ written: WrittenOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(written.json.utf8)) as? [String: Any])
    }

    @Test func aPictureRecordsItsSizeAndAnArrayItsShape() throws {
        let picture = PNGImage(width: 3, height: 2, channels: 1, pixels: [UInt8](repeating: 0, count: 6))
        let png = WrittenOutput(out: "runs/a/s.png", count: 64, shape: [64, 1, 28, 28], picture: picture)
        #expect(png.json == #"{"count":64,"format":"png","height":2,"out":"runs/a/s.png","shape":[64,1,28,28],"width":3}"#)
        let npy = try object(WrittenOutput(out: "s.NPY", count: 3, shape: [3, 2], picture: nil, files: ["p.png"]))
        #expect(npy["format"] as? String == "npy" && npy["shape"] as? [Int] == [3, 2] && npy["width"] == nil)
        #expect(npy["files"] as? [String] == ["p.png"])
    }

    /// Every command that writes pictures or points takes --json, as the README says.
    @Test func everyPictureCommandTakesJSON() throws {
        #expect(try SampleCommand.parse(["--run", "r", "--out", "s.png", "--json"]).json)
        #expect(try ReconstructCommand.parse(["--run", "r", "--out", "r.png", "--json"]).json)
        #expect(try InterpolateCommand.parse(["--run", "r", "--out", "i.png", "--json"]).json)
        #expect(try TraverseCommand.parse(["--run", "r", "--out", "t.png", "--json"]).json)
        #expect(try DataGridCommand.parse(["mnist", "--json"]).json)
        #expect(try DataSampleCommand.parse(["ring8", "--json"]).json)
        #expect(try !SampleCommand.parse(["--run", "r", "--out", "s.png"]).json)
    }

    /// End to end: sample's record of a 2-D run's points.
    @Test func sampleRecordsWhatItWrote() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-json-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let train = ["vae", "--dataset", "toy:ring8", "--epochs", "1", "--training-limit", "64", "--hidden", "8",
                     "--latent", "2", "--likelihood", "gaussian", "--out", folder]
        try TrainCommand.parse(train).run(invocation: train)
        let written = try SampleCommand.parse(["--run", folder, "--count", "5", "--out", folder + "/p.npy", "--json"]).write()
        #expect(written == WrittenOutput(out: folder + "/p.npy", count: 5, shape: [5, 2], picture: nil))
        // 2-D points also go to a scatter plot (.png) or x,y lines (.csv).
        let scatter = try SampleCommand.parse(["--run", folder, "--count", "50", "--out", folder + "/p.png"]).write()
        #expect(scatter.format == "png" && scatter.width == 512 && scatter.height == 512 && scatter.shape == [50, 2])
        _ = try SampleCommand.parse(["--run", folder, "--count", "5", "--out", folder + "/p.csv"]).write()
        let lines = try String(contentsOfFile: folder + "/p.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "x,y" && lines.count == 6 && lines.allSatisfy { $0.split(separator: ",").count == 2 }, "\(lines)")
        // A file that cannot be written is named with the reason in words.
        try FileManager.default.createDirectory(atPath: folder + "/q.npy", withIntermediateDirectories: false)
        for (out, reason) in [(folder + "/q.npy", "it is a folder"), (folder + "/none/p.npy", "its folder \(folder)/none does not exist")] {
            let error = #expect(throws: (any Error).self) {
                try SampleCommand.parse(["--run", folder, "--count", "5", "--out", out]).write()
            }
            #expect("\(error.map { "\($0)" } ?? "")" == "\(out): cannot write: \(reason)")
        }
    }
}
