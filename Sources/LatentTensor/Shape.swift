/// Shape arithmetic shared by the operations: broadcasting and axis normalisation.
public enum Shape {
    /// The NumPy broadcast of two shapes: trailing axes aligned, each pair equal or one of them 1.
    ///
    /// - Precondition: the shapes are compatible; the message names the operation and both shapes.
    public static func broadcast(_ lhs: [Int], _ rhs: [Int], operation: String = "broadcast") -> [Int] {
        if lhs == rhs { return lhs }
        let rank = max(lhs.count, rhs.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let left = axis < rank - lhs.count ? 1 : lhs[axis - (rank - lhs.count)]
            let right = axis < rank - rhs.count ? 1 : rhs[axis - (rank - rhs.count)]
            precondition(
                left == right || left == 1 || right == 1,
                "\(operation): shapes \(lhs) and \(rhs) cannot be broadcast together")
            result[axis] = left == 1 ? right : left
        }
        return result
    }

    /// An axis in `0..<rank`, allowing negative axes counted from the end.
    public static func normalize(axis: Int, rank: Int, operation: String) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        precondition(
            normalized >= 0 && normalized < rank,
            "\(operation): axis \(axis) is out of range for a tensor of rank \(rank)")
        return normalized
    }

    /// An axis of `shape`, allowing negative axes counted from the end.
    ///
    /// - Precondition: the axis exists; the message names the operation, the axis and the shape.
    public static func normalize(axis: Int, of shape: [Int], operation: String) -> Int {
        let normalized = axis < 0 ? axis + shape.count : axis
        precondition(
            normalized >= 0 && normalized < shape.count,
            "\(operation): axis \(axis) is out of range for shape \(shape)")
        return normalized
    }

    /// Row-major strides of a shape.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}
