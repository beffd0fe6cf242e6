import ArgumentParser
import LatentData

/// Where the data comes from.
struct DataOptions: ParsableArguments {
    @Option(help: "Dataset: mnist, idx:<folder>, folder:<path>, toy:<name>, csv:<file>.")
    var dataset: String = "mnist"

    @Option(help: "Folder holding the dataset files (default: search LATENT_DATA_DIR, then Data/ beside the executable or the current directory).")
    var dataDir: String?
}
