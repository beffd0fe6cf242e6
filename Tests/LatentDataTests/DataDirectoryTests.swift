import Foundation
import Testing

@testable import LatentData

@Suite("DataDirectory")
struct DataDirectoryTests {
    /// A fresh folder holding `name/marker`, removed by the caller.
    func folder(holding name: String, marker: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-datadir-\(UUID().uuidString)")
        let dataset = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: true)
        try Data().write(to: dataset.appendingPathComponent(marker))
        return root
    }

    @Test func explicitDirectoryHoldingTheFolderOrTheFiles() throws {
        let root = try folder(holding: "toyset", marker: "labels.gz")
        defer { try? FileManager.default.removeItem(at: root) }
        let expected = root.appendingPathComponent("toyset").path
        #expect(try DataDirectory.locate("toyset", containing: "labels.gz", explicitDirectory: root.path,
                                         environment: [:]) == expected)
        #expect(try DataDirectory.locate("toyset", containing: "labels.gz", explicitDirectory: expected,
                                         environment: [:]) == expected)
    }

    @Test func environmentVariableIsSearched() throws {
        let root = try folder(holding: "toyset", marker: "labels.gz")
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try DataDirectory.locate(
            "toyset", containing: "labels.gz", environment: [DataDirectory.environmentVariable: root.path])
        #expect(found == root.appendingPathComponent("toyset").path)
    }

    @Test func explicitDirectoryIsSearchedAlone() throws {
        let root = try folder(holding: "toyset", marker: "labels.gz")
        defer { try? FileManager.default.removeItem(at: root) }
        let elsewhere = root.appendingPathComponent("empty").path
        #expect(throws: DataError.notFound(
            what: "toyset data (labels.gz)", searched: [elsewhere + "/toyset", elsewhere])
        ) {
            try DataDirectory.locate("toyset", containing: "labels.gz", explicitDirectory: elsewhere,
                                     environment: [DataDirectory.environmentVariable: root.path])
        }
    }

    @Test func missingDataSaysWhereItLookedAndHowToPointAtIt() {
        let name = "no-such-dataset-\(UUID().uuidString)"
        do {
            _ = try DataDirectory.locate(name, containing: "labels.gz", environment: [:])
            Issue.record("found a dataset that does not exist")
        } catch {
            let message = String(describing: error)
            #expect(message.hasPrefix("\(name) data (labels.gz) not found; searched: "))
            #expect(message.contains("Data/\(name)"))
            #expect(message.hasSuffix(
                "; pass --data-dir or set LATENT_DATA_DIR to a folder holding \(name)/ or the files themselves"))
            #expect(!message.contains("\n"))
        }
    }
}
