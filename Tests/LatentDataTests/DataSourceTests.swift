import Foundation
import LatentTensor
import Testing

@testable import LatentData

@Suite("DataSource")
struct DataSourceTests {
    @Test func parsesEveryForm() throws {
        #expect(try DataSource(parsing: "mnist") == .mnist)
        #expect(try DataSource(parsing: "idx:/data/fashion") == .idx(folder: "/data/fashion"))
        #expect(try DataSource(parsing: "folder:faces") == .folder(path: "faces"))
        #expect(try DataSource(parsing: "csv:points.csv") == .csv(path: "points.csv"))
        #expect("\(try DataSource(parsing: "toy:ring8?std=0.02"))" == "toy:ring8?std=0.02")
        #expect(
            try DataSource(parsing: "csv:p.csv?test=0.25")
                == .csv(path: "p.csv", testFraction: 0.25))
        for text in ["csv:p.csv?test=0.25", "folder:faces?test=0", "folder:what?.png?"] {
            #expect("\(try DataSource(parsing: text))" == text)
        }
        #expect(try DataSource(parsing: "folder:what?.png?") == .folder(path: "what?.png"))
    }

    @Test func summaryCountsBothSplits() throws {
        let path = FileManager.default.temporaryDirectory.path + "/latent-count-\(getpid()).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeFile(Array((0..<30).map { "\($0)\n" }.joined().utf8), to: path)
        let summary = try DataSource(parsing: "csv:" + path).summary(.test)
        #expect(summary.count == 3 && summary.splitCounts == ["train": 27, "test": 3])
        #expect(summary.text.contains("splits       train 27, test 3"))
        #expect(summary.json.contains("\"splitCounts\":{\"test\":3,\"train\":27}"))
        let toy = try DataSource(parsing: "toy:ring8").summary(toyCount: 100)
        #expect(toy.splitCounts == ["train": 100, "test": 100] && toy.modes?.count == 8)
    }

    @Test func unknownFormsListTheValidOnes() {
        do {
            _ = try DataSource(parsing: "cifar10")
            Issue.record("accepted cifar10")
        } catch {
            #expect("\(error)".contains("valid forms: mnist, idx:<folder>"))
        }
    }

    @Test func toySplitsUseDifferentDraws() throws {
        let source = try DataSource(parsing: "toy:moons")
        let train = try source.load(.train, toyCount: 100, seed: 1)
        let test = try source.load(.test, toyCount: 100, seed: 1)
        #expect(train.examples.shape == [100, 2] && train.exampleShape == [2])
        #expect(train.examples.scalars != test.examples.scalars)
        #expect(
            try source.load(.train, toyCount: 100, seed: 1).examples.scalars
                == train.examples.scalars)
    }

    @Test func csvRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.path + "/latent-points-\(getpid()).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let points = Tensor(shape: [3, 2], scalars: [1, 2, -0.5, 4, 1e-3, 6])
        try writeFile(Array(PointsCSV.encode(points).utf8), to: path)
        let loaded = try DataSource(parsing: "csv:\(path)?test=0").load()
        #expect(loaded.examples.shape == [3, 2] && loaded.examples.scalars == points.scalars)
        try writeFile(Array("x,y\n1,2\n3\n".utf8), to: path)
        #expect(throws: DataError.corrupt(path: path, detail: "line 3 has 1 columns, expected 2")) {
            try PointsCSV.load(path)
        }
    }

    /// A toy built directly (not parsed) with parameters that overflow is refused, not trapped on.
    @Test func nonFiniteToyPointsAreRefused() throws {
        let toy = ToyDistribution.pinwheel(arms: 5, radialStd: 1000, tangentialStd: 0.1, rate: 0.25)
        let source = DataSource.toy(toy, specification: "pinwheel?radial=1000")
        do {
            _ = try source.load(.train, toyCount: 2000)
            Issue.record("accepted non-finite points")
        } catch {
            #expect("\(error)".hasPrefix("invalid dataset 'toy:pinwheel?radial=1000': point "))
            #expect("\(error)".hasSuffix("is not finite; lower the parameters"))
        }
    }
}
