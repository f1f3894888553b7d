@testable import Wire

import Tensor

/// A small deterministic generator so fuzz and property tests are reproducible.
typealias SeededGenerator = SplitMix64

/// Random finite floats over many magnitudes, including subnormals and both zeros.
func randomFloats(_ count: Int, using generator: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: Float.random(in: -1...1, using: &generator)
        case 1: Float(Int.random(in: -1000...1000, using: &generator))
        case 2: Float.random(in: -1e30...1e30, using: &generator)
        case 3: Float(bitPattern: UInt32.random(in: 1...0x007F_FFFF, using: &generator)) // subnormal
        case 4:
            Float(sign: Bool.random(using: &generator) ? .minus : .plus,
                  exponent: Int.random(in: -126...127, using: &generator),
                  significand: Float.random(in: 1..<2, using: &generator))
        default: Bool.random(using: &generator) ? 0 : -0.0
        }
    }
}

/// Decodes `frames` with a fresh decoder into `batch`, returning the outcome and counts.
func decodeOne(_ frames: [[UInt8]], into batch: inout VectorBatch, decoder: inout WireDecoder,
               counts: inout RejectionCounts) -> DecodeOutcome {
    decoder.decode(frames: frames, into: &batch, rejections: &counts).outcome
}

let streamFrame: [UInt8] = Array("sensors.rack-1/m:7_a".utf8)
