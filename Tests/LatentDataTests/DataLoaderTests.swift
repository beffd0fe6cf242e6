import LatentTensor
import Testing

@testable import LatentData

@Suite("DataLoader")
struct DataLoaderTests {
    /// Ten examples of shape [2] whose values are their indices, labelled index % 3.
    let dataset = Dataset(
        name: "counting",
        examples: Tensor(shape: [10, 2], scalars: (0..<20).map { Float($0 / 2) }),
        labels: (0..<10).map { $0 % 3 }, valueRange: 0...9)

    @Test(arguments: [1, 3, 4, 10, 11])
    func everyIndexOncePerEpoch(batchSize: Int) {
        let loader = DataLoader(dataset: dataset, batchSize: batchSize, seed: 5)
        var seen: [Int] = []
        var batchCount = 0
        for batch in loader.batches(epoch: 0) {
            batchCount += 1
            seen += batch.indices
            #expect(batch.examples.shape == [batch.indices.count, 2])
            #expect(batch.examples.scalars == batch.indices.flatMap { [Float($0), Float($0)] })
            #expect(batch.labels == batch.indices.map { $0 % 3 })
        }
        #expect(seen.sorted() == Array(0..<10))
        #expect(batchCount == loader.batchCount)
    }

    @Test func sameSeedSameOrderAndEpochsDiffer() {
        let a = DataLoader(dataset: dataset, batchSize: 4, seed: 9)
        let b = DataLoader(dataset: dataset, batchSize: 4, seed: 9)
        #expect(a.order(epoch: 3) == b.order(epoch: 3))
        #expect(a.batches(epoch: 3).flatMap(\.indices) == a.order(epoch: 3))
        #expect(a.order(epoch: 0) != a.order(epoch: 1))
        #expect(
            DataLoader(dataset: dataset, batchSize: 4, seed: 10).order(epoch: 3)
                != a.order(epoch: 3))
        #expect(
            DataLoader(dataset: dataset, batchSize: 4, shuffles: false).order(epoch: 2)
                == Array(0..<10))
    }

    @Test func dropLastDropsTheShortBatch() {
        let loader = DataLoader(dataset: dataset, batchSize: 4, dropsLast: true)
        let sizes = loader.batches(epoch: 0).map(\.indices.count)
        #expect(sizes == [4, 4])
        #expect(loader.batchCount == 2)
    }

    @Test func validationSplitKeepsOrder() {
        let (training, validation) = dataset.split(validationCount: 3)
        #expect(training.count == 7 && validation.count == 3)
        #expect(validation.labels == [7 % 3, 8 % 3, 9 % 3])
        #expect(validation.examples.scalars == [7, 7, 8, 8, 9, 9])
    }
}

@Suite("Binarization")
struct BinarizationTests {
    /// 2000 examples of 5 grey levels each.
    let grey = Dataset(
        name: "grey",
        examples: Tensor(shape: [2000, 5], scalars: (0..<10_000).map { Float($0 % 5) / 4 }),
        valueRange: 0...1)

    @Test func thresholdIsDeterministic() {
        let loader = DataLoader(
            dataset: grey, batchSize: 7, shuffles: false, binarization: .threshold(0.5))
        let first = Array(loader.batches(epoch: 0))[0]
        #expect(first.examples.scalars.prefix(5) == [0, 0, 0, 1, 1])
    }

    @Test func fixedIsTheSameEveryEpochAndRun() {
        let a = DataLoader(
            dataset: grey, batchSize: 2000, shuffles: false, binarization: .fixed(seed: 3))
        let b = DataLoader(
            dataset: grey, batchSize: 2000, shuffles: false, binarization: .fixed(seed: 3))
        let epoch0 = Array(a.batches(epoch: 0))[0].examples.scalars
        #expect(epoch0 == Array(a.batches(epoch: 1))[0].examples.scalars)
        #expect(epoch0 == Array(b.batches(epoch: 0))[0].examples.scalars)
        #expect(Set(epoch0) == [0, 1])
        expectBernoulliMeans(epoch0)
    }

    @Test func dynamicRedrawsEachEpoch() {
        let loader = DataLoader(
            dataset: grey, batchSize: 2000, shuffles: false, binarization: .dynamic, seed: 4)
        let epoch0 = Array(loader.batches(epoch: 0))[0].examples.scalars
        let epoch1 = Array(loader.batches(epoch: 1))[0].examples.scalars
        #expect(epoch0 != epoch1)
        #expect(epoch0 == Array(loader.batches(epoch: 0))[0].examples.scalars)
        expectBernoulliMeans(epoch0)
        expectBernoulliMeans(epoch1)
    }

    @Test func parsesProtocolNames() throws {
        #expect(try Binarization(parsing: "static") == .fixed(seed: 0))
        #expect(try Binarization(parsing: "static:7") == .fixed(seed: 7))
        #expect(try Binarization(parsing: "dynamic") == .dynamic)
        #expect(try Binarization(parsing: "threshold:0.3") == .threshold(0.3))
        #expect(throws: DataError.self) { try Binarization(parsing: "sometimes") }
    }

    /// Column k has probability k/4; 2000 draws give a standard error below 0.012.
    private func expectBernoulliMeans(_ values: [Float]) {
        for column in 0..<5 {
            let mean =
                stride(from: column, to: values.count, by: 5).map { values[$0] }.reduce(0, +) / 2000
            #expect(abs(mean - Float(column) / 4) < 0.05, "column \(column): \(mean)")
        }
    }
}
