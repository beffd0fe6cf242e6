import ArgumentParser
import Foundation
import LatentModels
import LatentNN

/// `latent report`: several run folders side by side in one HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Put run folders side by side in one HTML page: options, last figures, curves, samples.",
        discussion: "Example: latent report runs/vae runs/conv-vae --out compare.html")

    @Argument(help: "The run folders to compare (one or more).")
    var runs: [String]

    @Option(help: "The page to write (.html).")
    var out: String = "report.html"

    @Flag(help: "Print the result as one JSON object on the last line.")
    var json = false

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("name at least one run folder.") }
        guard out.lowercased().hasSuffix(".html") else { throw ValidationError("--out must be an .html file.") }
    }

    func run() throws {
        try reportingErrors("report") {
            // A run's own report.html is the trainer's, whichever run: this page must not
            // overwrite it.
            let page = URL(fileURLWithPath: out).standardizedFileURL
            let folder = page.deletingLastPathComponent().resolvingSymlinksInPath()
            if page.lastPathComponent == "report.html",
               FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path)
            {
                throw RunError("--out \(out) is the run \(folder.path)'s own report written by training; choose another file")
            }
            try ComparisonReport.write(runs: runs.map { URL(fileURLWithPath: $0) }, to: page)
            print("wrote \(out): \(runs.count) run\(runs.count == 1 ? "" : "s") side by side; open it in a browser")
            if json {
                print(JSONText.object([("out", .text(out)), ("runs", .integer(runs.count))]))
            }
        }
    }
}
