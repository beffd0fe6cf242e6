/// Which part of a dataset to load.
///
/// Datasets with a published train/test division (MNIST, IDX folders) load the matching files;
/// toy distributions draw the two parts from different seeds; image folders and CSV files hold a
/// fixed fraction of their examples out as the test part (see `DataSource`). A validation set is
/// split off a training set with `Dataset.split(validationCount:)`.
public enum DataSplit: String, CaseIterable, Sendable {
    /// The training examples (MNIST: all 60000; split off 10000 for validation).
    case train
    /// The held-out test examples (MNIST: 10000).
    case test
}
