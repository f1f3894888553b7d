extension Tensor {
    /// Creates a rank-1 tensor `[count]` from a vector.
    public init(_ vector: [Float]) {
        self.init(shape: [vector.count], scalars: vector)
    }

    /// Creates a rank-2 tensor `[rows, columns]` from rows of equal length.
    /// - Precondition: every row has the length of the first.
    public init(rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        var scalars = [Float]()
        scalars.reserveCapacity(rows.count * columns)
        for (index, row) in rows.enumerated() {
            precondition(
                row.count == columns,
                "Tensor(rows:): row \(index) has \(row.count) elements, row 0 has \(columns)")
            scalars.append(contentsOf: row)
        }
        self.init(shape: [rows.count, columns], scalars: scalars)
    }

    /// Creates a rank-0 tensor (shape `[]`) holding one value.
    public init(scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    /// The only element of a one-element tensor (any shape with `count == 1`).
    /// - Precondition: `count == 1`.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: shape \(shape) has \(count) elements, not 1")
        return scalars[0]
    }

    /// A tensor of independent normal deviates `N(mean, standardDeviation²)`.
    ///
    /// Draws `count` values from `generator.nextNormal()` in row-major order, so one seed gives
    /// the same tensor on every run.
    public static func randomNormal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        using generator: inout Xoshiro256StarStar
    ) -> Tensor {
        let count = shape.reduce(1, *)
        var scalars = [Float]()
        scalars.reserveCapacity(count)
        for _ in 0..<count { scalars.append(mean + standardDeviation * generator.nextNormal()) }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// A tensor of independent uniform deviates in `[lowerBound, upperBound)`.
    public static func randomUniform(
        _ shape: [Int], lowerBound: Float = 0, upperBound: Float = 1,
        using generator: inout Xoshiro256StarStar
    ) -> Tensor {
        let count = shape.reduce(1, *)
        let width = upperBound - lowerBound
        var scalars = [Float]()
        scalars.reserveCapacity(count)
        for _ in 0..<count { scalars.append(lowerBound + width * generator.nextUniform()) }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// The same elements viewed with another shape of equal element count.
    /// - Precondition: `newShape` has `count` elements (both shapes in the message).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(
            newShape.reduce(1, *) == count,
            "reshaped: shape \(shape) (\(count) elements) cannot become \(newShape)")
        return Tensor(shape: newShape, scalars: scalars)
    }

    /// Whether every element is finite (not NaN, not infinite).
    public var isFinite: Bool {
        scalars.withUnsafeBufferPointer { buffer in
            // Sum of x*0 is NaN exactly when some x is NaN or infinite; one branch-free pass.
            var probe: Float = 0
            for x in buffer { probe += x * 0 }
            return probe == 0
        }
    }
}
