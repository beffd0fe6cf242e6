import Foundation

/// The most memory one layer's weights may take, 16 GiB: a size past it is taken for a typo
/// (`--hidden 100000000`) and refused before the allocation aborts the process.
public enum WeightSizeLimit {
    /// The limit in bytes.
    public static let bytes = 16.0 * 1024 * 1024 * 1024

    /// Throws when one of `matrices` (rows × columns of 4-byte scalars; a convolution's kernel
    /// area folded into its rows) takes more than ``bytes``.
    ///
    /// Sizes are multiplied as `Double`s, so absurd values cannot overflow.
    /// - Parameter options: the options that set the sizes, for the message.
    /// - Throws: ``ConfigurationError`` naming the largest matrix, its size and `options`.
    static func check(_ matrices: [(rows: Double, columns: Double)], options: String) throws {
        guard let largest = matrices.max(by: { $0.rows * $0.columns < $1.rows * $1.columns }) else { return }
        let size = largest.rows * largest.columns * 4
        guard size > bytes else { return }
        func integer(_ value: Double) -> String { value < 1e15 ? String(Int(value)) : String(format: "%.3g", value) }
        throw ConfigurationError(
            "a layer of \(integer(largest.rows)) × \(integer(largest.columns)) weights would take "
                + String(format: "%.1f GiB", size / 1024 / 1024 / 1024)
                + ", more than the 16 GiB one layer may hold; check \(options)")
    }

    /// The weight matrices of fully connected layers through `sizes`, in turn.
    static func chain(_ sizes: [Double]) -> [(rows: Double, columns: Double)] {
        zip(sizes, sizes.dropFirst()).map { (rows: $0, columns: $1) }
    }

    /// The weights of 4 × 4 convolutions through the channel counts `channels`, in turn, with
    /// the kernel area folded into the rows.
    static func kernelChain(_ channels: [Double]) -> [(rows: Double, columns: Double)] {
        chain(channels).map { (rows: $0.rows * 16, columns: $0.columns) }
    }
}
