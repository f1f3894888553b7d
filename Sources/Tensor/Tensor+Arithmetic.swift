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
    /// Element-wise hyperbolic tangent, eight lanes at a time by `Tensor.tanh(_:)` (within
    /// 3.5e-7 of the exact value; glibc's `tanhf` goes through `expm1f` one scalar at a time and
    /// was 8% of the daemon's scoring time for the VAE's bounded log-variance alone).
    public func tanh() -> Tensor {
        var out = self
        out.scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = buffer.count
            var i = 0
            while i + 8 <= count {
                let raw = UnsafeMutableRawPointer(base + i)
                raw.storeBytes(of: Tensor.tanh(raw.loadUnaligned(as: SIMD8<Float>.self)), as: SIMD8<Float>.self)
                i += 8
            }
            if i < count {
                var tail = SIMD8<Float>(repeating: 0)
                for lane in 0..<(count - i) { tail[lane] = base[i + lane] }
                let result = Tensor.tanh(tail)
                for lane in 0..<(count - i) { base[i + lane] = result[lane] }
            }
        }
        return out
    }

    /// `tanh x` on eight lanes: the odd/even rational approximation (degree 13 over degree 6) of
    /// Eigen's `generic_fast_tanh_float`, on inputs clamped to ±7.9053 (where it reaches ±1 in
    /// `Float`), and `x` itself below 0.0004 in magnitude. Largest error 3.5e-7 absolute; NaN stays
    /// NaN.
    @inline(__always)
    public static func tanh(_ input: SIMD8<Float>) -> SIMD8<Float> {
        let bound: Float = 7.90531110763549805
        let x = input.clamped(lowerBound: SIMD8(repeating: -bound), upperBound: SIMD8(repeating: bound))
        let x2 = x * x
        var p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13
        p = x2 * p + -8.60467152213735e-11
        p = x2 * p + 5.12229709037114e-08
        p = x2 * p + 1.48572235717979e-05
        p = x2 * p + 6.37261928875436e-04
        p = x2 * p + 4.89352455891786e-03
        p = x * p
        var q = x2 * 1.19825839466702e-06 + 1.18534705686654e-04
        q = x2 * q + 2.26843463243900e-03
        q = x2 * q + 4.89352518554385e-03
        var result = p / q
        let magnitude = input.replacing(with: -input, where: input .< 0)
        result.replace(with: input, where: magnitude .< 0.0004)
        result.replace(with: input, where: input .!= input)
        return result
    }
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

