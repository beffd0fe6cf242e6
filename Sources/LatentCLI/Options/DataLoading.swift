import LatentData

/// Loads the dataset a command's ``DataOptions`` name.
enum DataLoading {
    /// The requested split of the dataset.
    ///
    /// - Throws: `DataError` (one line naming the file and the problem) for missing or corrupt data.
    static func load(_ options: DataOptions, split: DataSplit, seed: UInt64 = 0) throws -> Dataset {
        try DataSource(parsing: options.dataset).load(split, dataDirectory: options.dataDir, seed: seed)
    }
}
