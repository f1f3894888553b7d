#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Element-wise sum with broadcasting (e.g. a row `[features]` over `[batch, features]`).
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { broadcasting(lhs, rhs, +) }
    /// Element-wise difference with broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { broadcasting(lhs, rhs, -) }
    /// Element-wise (Hadamard) product with broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { broadcasting(lhs, rhs, *) }
    /// Element-wise quotient with broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { broadcasting(lhs, rhs, /) }

    /// Adds `scalar` to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    /// Subtracts `scalar` from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
    /// Multiplies every element by `scalar`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    /// Multiplies every element by `scalar`.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
    /// Divides every element by `scalar`.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
    /// Element-wise negation.
    public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

    /// Adds `rhs` (same shape, or broadcasting to `lhs`'s shape) into `lhs` in place.
    public static func += (lhs: inout Tensor, rhs: Tensor) {
        if lhs.shape == rhs.shape {
            lhs.scalars.withUnsafeMutableBufferPointer { out in
                rhs.scalars.withUnsafeBufferPointer { source in
                    for i in 0..<out.count { out[i] += source[i] }
                }
            }
        } else {
            precondition(
                broadcastShape(lhs.shape, rhs.shape) == lhs.shape,
                "+=: \(rhs.shape) does not broadcast to \(lhs.shape)")
            lhs = lhs + rhs
        }
    }

    /// Applies `transform` to every element.
    @inline(__always)
    public func map(_ transform: (Float) -> Float) -> Tensor {
        let count = self.count
        let result = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { source in
                for i in 0..<count { out[i] = transform(source[i]) }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// Replaces every element `x` by `transform(x)` in place.
    @inline(__always)
    public mutating func updateEach(_ transform: (Float) -> Float) {
        scalars.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<buffer.count { buffer[i] = transform(buffer[i]) }
        }
    }

    /// Element-wise `e^x`.
    public func exp() -> Tensor { map { expf($0) } }
    /// Element-wise natural logarithm (NaN for negative, -inf for 0).
    public func log() -> Tensor { map { logf($0) } }
    /// Element-wise `x²`.
    public func squared() -> Tensor { map { $0 * $0 } }
    /// Element-wise square root.
    public func squareRoot() -> Tensor { map { $0.squareRoot() } }
    /// Element-wise `max(x, 0)`.
    public func relu() -> Tensor { map { $0 > 0 ? $0 : 0 } }
    /// Element-wise `x` for `x > 0`, else `negativeSlope * x`.
    public func leakyReLU(negativeSlope: Float = 0.01) -> Tensor {
        map { $0 > 0 ? $0 : negativeSlope * $0 }
    }
    /// Element-wise logistic function `1 / (1 + e^-x)`, stable for large `|x|`.
    public func sigmoid() -> Tensor { map(Tensor.sigmoid) }
    /// Element-wise hyperbolic tangent.
    public func tanh() -> Tensor { map { tanhf($0) } }
    /// Element-wise `softplus(x) = ln(1 + e^x)`, computed as `max(x, 0) + ln(1 + e^-|x|)`.
    public func softplus() -> Tensor { map(Tensor.softplus) }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }

    @inline(__always)
    static func softplus(_ x: Float) -> Float {
        Swift.max(x, 0) + log1pf(expf(-abs(x)))
    }
}

