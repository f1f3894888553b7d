import Foundation

/// A small, fast, seeded random number generator (SplitMix64, Steele et al., OOPSLA 2014).
///
/// The one SplitMix64 of the code base: detectors use it for shuffling, weight initialization,
/// corruption and sampling, so that a fit and a score are reproducible from a seed; it seeds
/// `Xoshiro256StarStar` and the demo publisher's metrics.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator state, advanced by the golden-ratio increment each step.
    public private(set) var state: UInt64

    /// Creates a generator from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform sample in the open interval (0, 1).
    public mutating func nextOpenUnit() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// A standard normal sample (Box-Muller).
    public mutating func nextGaussian() -> Double {
        let u1 = nextOpenUnit()
        let u2 = nextOpenUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
