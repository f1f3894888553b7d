#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded pseudo-random number generator: xoshiro256** seeded through SplitMix64.
///
/// Algorithm (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 2021): the 256-bit state `s0...s3` is filled by four outputs of SplitMix64
/// (Steele, Lea and Flood, OOPSLA 2014) started at `seed`; each step returns
/// `rotl(s1 * 5, 7) * 9` and advances the state by the xoshiro256 linear transform.
/// Uniform floats take the top 24 bits (`[0, 1)`, step 2^-24); normal deviates come from the
/// Box-Muller transform (Box and Muller, 1958) computed in `Double`, both deviates of a pair
/// used in turn. Integer and uniform outputs are identical on every machine and run; normal
/// deviates depend only on the platform's `log`, `sin` and `cos`, which are correctly
/// rounded to within one ulp in `Double` before the rounding to `Float`.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
    /// The 256-bit generator state.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)
    /// The second deviate of the last Box-Muller pair, returned by the next `nextNormal()`.
    private var spareNormal: Double?

    /// Creates a generator whose state is four consecutive SplitMix64 outputs from `seed`.
    public init(seed: UInt64) {
        var splitMix = SplitMix64(seed: seed)
        state = (splitMix.next(), splitMix.next(), splitMix.next(), splitMix.next())
        spareNormal = nil
    }

    /// Returns the next 64 random bits: `rotl(s1 * 5, 7) * 9`.
    public mutating func next() -> UInt64 {
        var (s0, s1, s2, s3) = state
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        state = (s0, s1, s2, s3)
        return result
    }

    func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Returns a uniform `Float` in `[0, 1)` from the top 24 bits of `next()`.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Returns a uniform `Double` in `[0, 1)` from the top 53 bits of `next()`.
    public mutating func nextUniformDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Returns a standard normal deviate N(0, 1) by the Box-Muller transform.
    ///
    /// `r = sqrt(-2 ln(1 - u1))`, `theta = 2 pi u2`; the pair is `(r cos theta, r sin theta)`,
    /// with `u1, u2` uniform in `[0, 1)` (so `1 - u1 > 0`).
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return Float(spare)
        }
        let u1 = nextUniformDouble()
        let u2 = nextUniformDouble()
        let radius = (-2.0 * log(1.0 - u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        spareNormal = radius * sin(theta)
        return Float(radius * cos(theta))
    }

    /// Whether two generators will produce the same sequence from here on.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.state == rhs.state && lhs.spareNormal == rhs.spareNormal
    }
}
