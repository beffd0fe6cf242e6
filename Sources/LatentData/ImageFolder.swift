import Foundation
import LatentTensor

/// Loads a folder of PNG images: `[count, channels, height, width]` in [0, 1].
///
/// When the folder has sub-folders, each is a class: labels are the indices of the sub-folder
/// names in sorted order, and PNG files directly in the folder are ignored. Otherwise every PNG
/// in the folder is an unlabelled example. Files are read in sorted order. All images must
/// have the same size. Grey and grey + alpha images give 1 channel; if any image is in colour,
/// all give 3 (grey replicated). Alpha is dropped.
public enum ImageFolder {
    /// The `train` and `test` sub-folders of `path`, when they are its only sub-folders.
    ///
    /// - Throws: `DataError.missingFile` when `path` is not a readable folder.
    public static func trainAndTestSubfolders(of path: String) throws -> (
        train: String, test: String
    )? {
        guard try subfolders(of: path) == ["test", "train"] else { return nil }
        return (path + "/train", path + "/test")
    }

    /// The sorted names of the sub-folders of `path`, hidden ones left out.
    private static func subfolders(of path: String) throws -> [String] {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: path) else {
            throw DataError.missingFile(path: path)
        }
        return entries.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && manager.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Images of one size as examples `[count, channels, height, width]` with grey levels in
    /// [0, 1]: with 1 channel a grey image's level (an alpha channel is dropped) or an RGB
    /// image's red, with 3 an RGB image's colours or a grey level repeated.
    public static func examples(_ images: [PNGImage], channels: Int) -> Tensor {
        precondition(channels == 1 || channels == 3, "ImageFolder.examples: 1 or 3 channels, got \(channels)")
        let (height, width) = (images.first?.height ?? 0, images.first?.width ?? 0)
        let plane = height * width
        return Tensor(shape: [images.count, channels, height, width]) { output in
            for (index, image) in images.enumerated() {
                precondition(image.width == width && image.height == height, "ImageFolder.examples: images of one size")
                let colour = image.channels >= 3
                for pixel in 0..<plane {
                    for channel in 0..<channels {
                        let source = pixel * image.channels + (colour ? channel : 0)
                        output[(index * channels + channel) * plane + pixel] =
                            Float(image.pixels[source]) / 255
                    }
                }
            }
        }
    }

    /// The `.png` files directly in `folder` (hidden ones left out), sorted by name; none when
    /// it cannot be read.
    public static func pngFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.lowercased().hasSuffix(".png") && !$0.hasPrefix(".") }
            .sorted().map { (folder as NSString).appendingPathComponent($0) }
    }

    /// Loads the images under `path`.
    ///
    /// - Throws: `DataError` when the folder is missing or empty, a class sub-folder holds no
    ///   PNG file, a file is not a valid PNG, or a file's size differs from the first image's
    ///   (the error names the file or folder).
    public static func load(_ path: String) throws -> Dataset {
        let classNames = try subfolders(of: path)
        var files: [(path: String, label: Int?)] = []
        if classNames.isEmpty {
            files = pngFiles(in: path).map { ($0, nil) }
        } else {
            for (label, name) in classNames.enumerated() {
                let classFiles = pngFiles(in: path + "/" + name)
                // An empty class would be a class no model ever sees an example of.
                guard !classFiles.isEmpty else {
                    throw DataError.corrupt(
                        path: path + "/" + name, detail: "class folder with no .png files")
                }
                files += classFiles.map { ($0, label) }
            }
        }
        guard !files.isEmpty else {
            throw DataError.corrupt(
                path: path, detail: "no .png files in the folder or its sub-folders")
        }
        var images: [PNGImage] = []
        images.reserveCapacity(files.count)
        for file in files {
            let image = try PNGImage(contentsOf: file.path)
            if let first = images.first, first.width != image.width || first.height != image.height
            {
                throw DataError.mismatch(
                    path: file.path,
                    detail: "image is \(image.width)x\(image.height), expected "
                        + "\(first.width)x\(first.height) like \(files[0].path)")
            }
            images.append(image)
        }
        let examples = Self.examples(images, channels: images.contains { $0.channels >= 3 } ? 3 : 1)
        let labels = classNames.isEmpty ? nil : files.map { $0.label! }
        return Dataset(
            name: (path as NSString).lastPathComponent, examples: examples, labels: labels,
            classCount: classNames.isEmpty ? nil : classNames.count, valueRange: 0...1,
            classNames: classNames.isEmpty ? nil : classNames)
    }
}
