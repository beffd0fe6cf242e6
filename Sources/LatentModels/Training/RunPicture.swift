import Foundation
import LatentData

/// A picture a run wrote into its folder, with the PNG bytes written, so a caller that also
/// logs it (a TensorBoard image) does not encode it again.
public struct RunPicture: Sendable {
    /// The picture.
    public let image: PNGImage
    /// Its PNG file's bytes.
    public let png: [UInt8]

    /// Writes `image` to `url`, turning a failure into a one-line error naming the file.
    @discardableResult
    static func write(_ image: PNGImage, to url: URL) throws -> RunPicture {
        do {
            return RunPicture(image: image, png: try image.write(to: url.path))
        } catch {
            throw RunError("cannot write \(url.path): \(error)")
        }
    }
}
