import Foundation
import LatentData

/// What a picture command wrote, printed with `--json` as one JSON object on the last line:
/// `{"count":64,"format":"png","height":242,"out":"samples.png","shape":[64,1,28,28],"width":242}`.
struct WrittenOutput: Encodable, Equatable {
    /// The file written.
    var out: String
    /// `png` or `npy` (`csv` for points).
    var format: String
    /// What the command counts: samples, test images, interpolation steps, traversal rows, examples.
    var count: Int
    /// The shape of the array written, or of the images drawn into the grid (`[tiles] + example shape`).
    var shape: [Int]
    /// The picture's size in pixels, for a PNG.
    var width: Int?
    var height: Int?
    /// Further files written beside `out`.
    var files: [String]?

    /// A record of `array` (with `count`) written to `out`, as `picture` when it is a PNG.
    init(out: String, count: Int, shape: [Int], picture: PNGImage?, files: [String]? = nil) {
        self.out = out
        self.format = URL(fileURLWithPath: out).pathExtension.lowercased()
        self.count = count
        self.shape = shape
        self.width = picture?.width
        self.height = picture?.height
        self.files = files
    }

    /// One line of JSON with sorted keys.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
