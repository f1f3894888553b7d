/// A dense, row-major array of `Float` with a shape; a value type.
///
/// A `Tensor` holds data only. The autodiff graph is recorded by the differentiable
/// operations built on top of it; scoring runs on plain tensors without recording a graph.
///
/// Shapes name their axes in doc comments, e.g. `[batch, features]`; the last axis is
/// contiguous in memory.
public struct Tensor: Sendable, Equatable {
    /// The extent of each axis, outermost first, e.g. `[batch, features]`.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    ///
    /// Elements may be changed in place; a change of count traps (use `reshaped(_:)` or a new
    /// tensor), since every kernel indexes by the shape.
    public var scalars: [Float] {
        didSet {  // no `oldValue`: in-place mutation stays in place (SE-0268)
            precondition(
                scalars.count == shape.reduce(1, *),
                "Tensor: \(scalars.count) scalars do not fill shape \(shape)")
        }
    }

    /// Creates a tensor from row-major elements.
    /// - Precondition: every extent is non-negative and `scalars.count` equals their product.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        let count = shape.reduce(1, *)
        precondition(
            scalars.count == count,
            "Tensor: \(scalars.count) scalars do not fill shape \(shape) (\(count) needed)")
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros with the given shape.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones with the given shape.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of axes.
    public var rank: Int { shape.count }
}

extension Tensor: CustomStringConvertible {
    /// The shape and up to the first 8 elements, e.g. `Tensor[2, 3](1.0, 2.0, ...)`.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)(\(shown)\(count > 8 ? ", ..." : ""))"
    }
}
