import Foundation

/// Finds the dataset folders Latent ships (`Data/mnist` in the checkout).
///
/// Search order for a dataset folder `name` (e.g. `mnist`):
/// 1. an explicit directory (`--data-dir D`): `D/name`, or `D` itself when it holds the files;
///    when given, nothing else is tried;
/// 2. the environment variable `LATENT_DATA_DIR`, read the same way;
/// 3. the directory of the running executable and each of its parents, looking for `Data/name`;
/// 4. the current directory and each of its parents, looking for `Data/name`.
public enum DataDirectory {
    /// The environment variable naming a data directory.
    public static let environmentVariable = "LATENT_DATA_DIR"

    /// Finds the folder of dataset `name` that contains `marker`.
    ///
    /// - Parameters:
    ///   - name: The dataset's folder name under `Data/` (`mnist`).
    ///   - marker: A file the folder must contain (`train-labels-idx1-ubyte.gz`).
    ///   - explicitDirectory: A directory from the command line, searched alone when given.
    ///   - environment: The process environment (injected for tests).
    /// - Returns: The folder's path.
    /// - Throws: `DataError.notFound` listing the places searched.
    public static func locate(
        _ name: String, containing marker: String, explicitDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        var searched: [String] = []
        func holdsMarker(_ folder: String) -> Bool {
            if !searched.contains(folder) { searched.append(folder) }
            return FileManager.default.fileExists(atPath: folder + "/" + marker)
        }
        func inside(_ directory: String) -> String? {
            for folder in [directory + "/" + name, directory] where holdsMarker(folder) {
                return folder
            }
            return nil
        }
        if let explicitDirectory {
            if let found = inside(explicitDirectory) { return found }
            throw DataError.notFound(what: "\(name) data (\(marker))", searched: searched)
        }
        if let directory = environment[environmentVariable], !directory.isEmpty {
            if let found = inside(directory) { return found }
        }
        for start in [executableDirectory(), FileManager.default.currentDirectoryPath] {
            guard let start else { continue }
            var url = URL(fileURLWithPath: start).standardizedFileURL
            while true {
                let folder = url.path + (url.path.hasSuffix("/") ? "" : "/") + "Data/" + name
                if holdsMarker(folder) { return folder }
                let parent = url.deletingLastPathComponent()
                if parent.path == url.path { break }
                url = parent
            }
        }
        throw DataError.notFound(
            what: "\(name) data (\(marker))",
            searched: searched.count > 6 ? Array(searched.prefix(6)) + ["..."] : searched,
            hint: "pass --data-dir or set \(environmentVariable) to a folder holding \(name)/ or the files themselves")
    }

    /// The folder holding the running executable, symbolic links resolved (from
    /// `/proc/self/exe`, so also for a tool started by its name on the `PATH`).
    public static func executableDirectory() -> String? {
        let link = URL(fileURLWithPath: "/proc/self/exe")
        if FileManager.default.fileExists(atPath: link.path) {
            return link.resolvingSymlinksInPath().deletingLastPathComponent().path
        }
        guard let first = CommandLine.arguments.first, first.contains("/") else { return nil }
        return URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent()
            .path
    }
}
