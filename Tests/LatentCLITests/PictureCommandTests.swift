import ArgumentParser
import Foundation
import Testing

@testable import LatentCLI
@testable import LatentModels

/// sample, reconstruct, interpolate, traverse and data grid/sample: bad input is one line and a
/// failing exit, never a trap.
@Suite("Picture commands")
struct PictureCommandTests {
    /// A folder removed at the end of the test.
    final class Scratch {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("latent-pictures-\(UUID().uuidString)").path
        init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
    }

    /// A one-epoch MNIST run of `model` on 32 images with a 2-D latent space.
    func trainTiny(_ model: String, in scratch: Scratch) throws -> String {
        let folder = scratch.file(model)
        let arguments = [model, "--epochs", "1", "--training-limit", "32", "--test-limit", "16", "--batch-size", "16",
                         "--hidden", "8", "--latent", "2", "--sample-every", "0", "--out", folder]
        try TrainCommand.parse(arguments).run(invocation: arguments)
        return folder
    }

    /// Rewrites one value of a run's config.json.
    func edit(_ run: String, _ change: (inout [String: Any]) -> Void) throws {
        let url = URL(fileURLWithPath: run + "/config.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    @Test func badArgumentsAreRefusedAtParsing() {
        let refused: [(any ParsableCommand.Type, [String], String)] = [
            (SampleCommand.self, ["--run", "r", "--out", "s.png", "--columns", "0"], "--columns must be positive"),
            (SampleCommand.self, ["--run", "r", "--out", "s.png", "--columns=-3"], "--columns must be positive"),
            (TraverseCommand.self, ["--run", "r", "--out", "t.png", "--steps", "0"], "--steps must be at least 2"),
            (TraverseCommand.self, ["--run", "r", "--out", "t.png", "--steps", "1"], "--steps must be at least 2"),
            (TraverseCommand.self, ["--run", "r", "--out", "t.jpg"], "--out must be a .png file"),
            (InterpolateCommand.self, ["--run", "r", "--out", "i.txt"], "--out must be a .png file, got 'i.txt'"),
            (ReconstructCommand.self, ["--run", "r", "--out", "r.npy"], "--out must be a .png file"),
            (DataGridCommand.self, ["mnist", "--out", "g.jpg"], "--out must be a .png file"),
            (DataSampleCommand.self, ["ring8", "--out", "p.txt"], "--out must end in .csv"),
            (DataSampleCommand.self, ["ring8", "--plot", "p.jpg"], "--plot must be a .png file"),
        ]
        for (command, arguments, message) in refused {
            let error = #expect(throws: (any Error).self, "\(arguments)") { try command.parse(arguments) }
            #expect(command.message(for: error!).contains(message), "\(arguments): \(command.message(for: error!))")
        }
        #expect(throws: Never.self) { try DataSampleCommand.parse(["ring8", "--out", "p.NPY", "--plot", "p.png"]) }
        #expect(throws: Never.self) { try InterpolateCommand.parse(["--run", "r", "--out", "i.png"]) }
    }

    /// A grid past 1 GiB (a typo in --columns, --count or --padding) is refused before drawing.
    @Test func hugeGridsAreRefused() throws {
        #expect(throws: Never.self) { try ImageOutput.checkGrid(count: 60_000, exampleShape: [1, 28, 28], columns: nil) }
        let error = #expect(throws: RunError.self) {
            try ImageOutput.checkGrid(count: 64, exampleShape: [1, 28, 28], columns: nil, padding: 100_000)
        }
        #expect(error?.description.contains("900224x900224 pixels") == true)
        #expect(throws: RunError.self) { try ImageOutput.checkGrid(count: 64, exampleShape: [28, 28], columns: 100_000_000) }
        let scratch = Scratch()
        #expect(throws: ExitCode.failure) {
            try DataGridCommand.parse(["mnist", "--padding", "100000", "--out", scratch.file("g.png")]).run()
        }
        // Points of three coordinates are neither images nor a scatter.
        try "1,2,3\n4,5,6\n".write(toFile: scratch.file("p.csv"), atomically: true, encoding: .utf8)
        #expect(throws: ExitCode.failure) {
            try DataGridCommand.parse(["csv:" + scratch.file("p.csv"), "--out", scratch.file("p.png")]).run()
        }
    }

    /// Options a model does not use are refused: --code and --vary without InfoGAN, --label
    /// without a conditional model; a conditional model's label must be one of its classes.
    @Test func labelsAndCodesMustFitTheModel() throws {
        let scratch = Scratch()
        let vae = try trainTiny("vae", in: scratch)
        let cvae = try trainTiny("cvae", in: scratch)
        let png = scratch.file("out.png")
        for arguments in [["--run", vae, "--code", "c=3"], ["--run", vae, "--vary", "c1"], ["--run", cvae, "--label", "10"]] {
            #expect(throws: ExitCode.failure, "\(arguments)") { try SampleCommand.parse(arguments + ["--out", png]).run() }
        }
        for arguments in [["--run", vae, "--label", "3"], ["--run", cvae, "--label", "10"], ["--run", cvae, "--label=-1"]] {
            #expect(throws: ExitCode.failure, "\(arguments)") { try TraverseCommand.parse(arguments + ["--out", png]).run() }
        }
        try TraverseCommand.parse(["--run", cvae, "--label", "9", "--out", png]).run()
        #expect(FileManager.default.fileExists(atPath: png))
        #expect(throws: ExitCode.failure) {
            try SampleCommand.parse(["--run", vae, "--columns", "100000000", "--out", png]).run()
        }
        let count = #expect(throws: RunError.self) {
            try SampleCommand.parse(["--run", vae, "--count", "100000000", "--out", scratch.file("s.npy")]).write()
        }
        #expect(count?.description == "--count 100000000 samples of shape [1, 28, 28] would take 292.1 GiB, more than the 16 GiB allowed")
    }

    /// InfoGAN's traversal with one category is one row of the sweep's ten steps; with every
    /// category, a row per category.
    @Test func aTraversalIsARowPerCategory() throws {
        let scratch = Scratch()
        let folder = scratch.file("infogan")
        let arguments = ["infogan", "--steps", "2", "--training-limit", "64", "--batch-size", "16", "--width", "4",
                         "--fc-width", "8", "--sample-every", "0", "--out", folder]
        try TrainCommand.parse(arguments).run(invocation: arguments)
        let one = try SampleCommand.parse(["--run", folder, "--code", "c=3", "--vary", "c1", "--out", scratch.file("t.png")]).write()
        #expect(one.shape == [10, 1, 28, 28])
        #expect(try #require(one.width) > 5 * (try #require(one.height)), "not one row: \(one)")
        let all = try SampleCommand.parse(["--run", folder, "--vary", "c2", "--out", scratch.file("a.png")]).write()
        #expect(all.shape == [100, 1, 28, 28] && all.width == one.width && all.height! > 9 * one.height!)
    }

    /// A run whose data no longer match its model (dataset edited in config.json, files
    /// replaced) gets one line naming both shapes; an edited config.json is validated on load.
    @Test func dataAndConfigurationMustFitTheModel() throws {
        let scratch = Scratch()
        let vae = try trainTiny("vae", in: scratch)
        try edit(vae) { $0["dataset"] = "toy:ring8" }
        let png = scratch.file("out.png")
        #expect(throws: ExitCode.failure) { try ReconstructCommand.parse(["--run", vae, "--out", png]).run() }
        #expect(throws: ExitCode.failure) { try InterpolateCommand.parse(["--run", vae, "--out", png]).run() }
        #expect(throws: ExitCode.failure) { try TraverseCommand.parse(["--run", vae, "--out", png]).run() }
        #expect(!FileManager.default.fileExists(atPath: png))
        let trained = try TrainedRun(path: vae)
        let error = #expect(throws: RunError.self) { try RunData.test(of: trained, dataDirectory: nil) }
        #expect(error?.description.contains("have shape [2] but the model in \(vae) takes [1, 28, 28]") == true)
        // latent eval too, whatever the metric, instead of stopping on a precondition.
        for metrics in ["elbo", "nll"] {
            let eval = #expect(throws: RunError.self) {
                try EvalCommand.parse(["--run", vae, "--metrics", metrics, "--test-limit", "10"]).evaluate()
            }
            #expect(eval?.description.contains("have shape [2] but the model in \(vae) takes [1, 28, 28]") == true)
        }

        try edit(vae) { configuration in
            var variational = configuration["variational"] as! [String: Any]
            variational["latentDimension"] = -3
            configuration["variational"] = variational
        }
        let invalid = #expect(throws: RunError.self) { try TrainedRun(path: vae) }
        #expect(invalid?.description.hasSuffix("config.json: latent dimension must be positive, got -3") == true)
        #expect(throws: ExitCode.failure) { try SampleCommand.parse(["--run", vae, "--out", png]).run() }

        // The model's name must be that of its configuration block, and the values of their types.
        func loadError(_ change: (inout [String: Any]) -> Void) throws -> String {
            try edit(vae, change)
            do {
                _ = try TrainedRun(path: vae)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        var block: [String: Any] = [:]
        #expect(try loadError { configuration in
            block = configuration["variational"] as! [String: Any]
            block["latentDimension"] = 2
            configuration["variational"] = block
            configuration["model"] = "dcgan"
        }.hasSuffix("config.json: model 'dcgan' but the configuration block of vae"))
        #expect(try loadError { $0["model"] = "vae"; $0["variational"] = nil }.hasSuffix(
            "config.json: model 'vae' has no configuration block (variational, adversarial or classifier)"))
        block["latentDimension"] = "two"
        let mistyped = try loadError { $0["variational"] = block }
        #expect(mistyped.contains("not a Latent run configuration ('variational.latentDimension' is not an integer)"), "\(mistyped)")
    }
}
