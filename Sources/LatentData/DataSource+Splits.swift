import Foundation

extension DataSource {
    /// What `latent data info` prints: one split described, with the number of examples in
    /// every split that loads (a split that cannot be loaded is left out of `splitCounts`).
    ///
    /// - Parameters: as for `load`.
    /// - Throws: `DataError` when the split described cannot be loaded.
    public func summary(
        _ split: DataSplit = .train, dataDirectory: String? = nil, toyCount: Int = 50_000,
        seed: UInt64 = 0
    ) throws -> DatasetSummary {
        let dataset: Dataset
        var counts: [String: Int] = [:]
        switch self {
        case .folder, .csv:
            let splits = try ownSplits()
            dataset = split == .train ? splits.train : try splits.test.get()
            counts[DataSplit.train.rawValue] = splits.train.count
            switch splits.test {
            case .success(let test): counts[DataSplit.test.rawValue] = test.count
            case .failure(.invalidSpecification): counts[DataSplit.test.rawValue] = 0  // none held
            case .failure: break
            }
        case .mnist, .idx, .toy:
            dataset = try load(split, dataDirectory: dataDirectory, toyCount: toyCount, seed: seed)
            for other in DataSplit.allCases {
                counts[other.rawValue] =
                    other == split
                    ? dataset.count
                    : (try? load(
                        other, dataDirectory: dataDirectory, toyCount: toyCount, seed: seed))?
                        .count
            }
        }
        var mixture: GaussianMixture2D? = nil
        if case .toy(let toy, _) = self { mixture = toy.mixture }
        var summary = DatasetSummary(dataset, mixture: mixture)
        summary.splitCounts = counts
        return summary
    }

    /// Both splits of an image folder or a CSV file, from one read of its files.
    ///
    /// - Returns: The training split, and the test split or the error that loading it raises.
    /// - Throws: `DataError` when the files are missing or invalid.
    func ownSplits() throws -> (train: Dataset, test: Result<Dataset, DataError>) {
        let whole: Dataset
        let fraction: Double?
        switch self {
        case .folder(let path, let testFraction):
            if let splits = try ImageFolder.trainAndTestSubfolders(of: path) {
                guard testFraction == nil else {
                    throw DataError.invalidSpecification(
                        description,
                        detail: "the folder has train/ and test/ sub-folders; drop ?test=")
                }
                return try folderSplits(path: path, train: splits.train, test: splits.test)
            }
            whole = try ImageFolder.load(path)
            fraction = testFraction
        case .csv(let path, let testFraction):
            let points = try PointsCSV.load(path)
            whole = Dataset(
                name: description, examples: points,
                valueRange: try Dataset.finiteRange(of: points, path: path))
            fraction = testFraction
        case .mnist, .idx, .toy:
            preconditionFailure("\(self) has its own test split")
        }
        let (train, test) = HeldOutSplit.split(
            whole, fraction: fraction ?? HeldOutSplit.defaultFraction)
        if let test { return (train, .success(test)) }
        let detail =
            fraction == 0
            ? "test=0 holds out no test split"
            : "\(whole.count) example\(whole.count == 1 ? " is" : "s are") too few to hold out "
                + "a test split (every class keeps a training example)"
        return (train, .failure(.invalidSpecification(description, detail: detail)))
    }

    /// The `train/` and `test/` sub-folders of `path`, loaded; they must have the same classes
    /// and image shape.
    private func folderSplits(path: String, train trainPath: String, test testPath: String) throws
        -> (train: Dataset, test: Result<Dataset, DataError>)
    {
        let name = (path as NSString).lastPathComponent
        var train = try ImageFolder.load(trainPath)
        train.name = name + "-train"
        let test: Result<Dataset, DataError>
        do {
            var loaded = try ImageFolder.load(testPath)
            loaded.name = name + "-test"
            if loaded.classNames != train.classNames {
                throw DataError.mismatch(
                    path: testPath,
                    detail: "classes \(loaded.classNames ?? []) differ from those of "
                        + "\(trainPath), \(train.classNames ?? [])")
            }
            if loaded.exampleShape != train.exampleShape {
                throw DataError.mismatch(
                    path: testPath,
                    detail: "images of shape \(loaded.exampleShape) differ from those of "
                        + "\(trainPath), \(train.exampleShape)")
            }
            test = .success(loaded)
        } catch let error as DataError {
            test = .failure(error)
        }
        return (train, test)
    }
}
