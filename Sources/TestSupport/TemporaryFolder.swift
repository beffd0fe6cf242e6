import Foundation

/// Folders for tests under the system's temporary directory, each with a name no other test
/// uses (`latent-<label>-<UUID>`). The caller removes them.
public enum TemporaryFolder {
    /// A path nothing exists at yet, for code that creates the folder itself (run folders).
    public static func path(_ label: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(label)-\(UUID().uuidString)").path
    }

    /// A new, empty folder.
    public static func create(_ label: String) throws -> String {
        let path = path(label)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A new, empty folder, as a file URL.
    public static func createURL(_ label: String) throws -> URL {
        URL(fileURLWithPath: try create(label), isDirectory: true)
    }
}
