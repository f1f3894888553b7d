#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact decimal-to-binary conversion of JSON/CSV number tokens without allocation.
///
/// Fast path (Clinger 1990, "How to read floating point numbers accurately"): a decimal with at
/// most 19 significant digits, mantissa `m <= 2^53` and exponent `|e| <= 22` is exactly
/// `Double(m) * 10^e` or `Double(m) / 10^-e`, both correctly rounded. A `Float` is then
/// `Float(d)`, which is correctly rounded unless `d` lies exactly on a midpoint between two
/// floats (double rounding). A `Float` with a longer mantissa takes `nearFloat`: the same
/// product, off by a few units of the double, is enough away from float midpoints. Midpoints,
/// subnormals and everything else go to `strtof`/`strtod` on a bounded stack copy of the token.
enum DecimalNumber {
    /// The longest token accepted, in bytes.
    static let maximumTokenLength = 512

    /// `10^exponent` for `0 <= exponent <= 22`, the powers of ten exactly representable as
    /// `Double` (a switch, so no global array access on the hot path).
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// The result of scanning one token.
    struct Scan {
        /// Index one past the token.
        var end: Int
        /// Up to 19 significant digits.
        var mantissa: UInt64
        /// Decimal exponent applied to `mantissa`.
        var exponent: Int
        /// True when the sign is negative.
        var negative: Bool
        /// True when digits were dropped (more than 19 significant) or the exponent is huge.
        var inexact: Bool
        /// True when the token has no fraction and no exponent.
        var isInteger: Bool
    }

    /// Scans a JSON number token at `start` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`);
    /// nil when the bytes there are not a valid number.
    @inline(__always)
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Scan? {
        var index = start
        let end = bytes.count
        var negative = false
        if index < end && bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < end else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var inexact = false
        var isInteger = true
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
        } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            while index < end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    digits += 1
                } else {
                    exponent += 1
                    if digit != 0 { inexact = true }
                }
                index += 1
            }
        } else {
            return nil
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fractionStart = index
            while index < end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                if digits < 19 {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        digits += mantissa == 0 ? 0 : 1
                    }
                    exponent -= 1
                } else if digit != 0 {
                    inexact = true
                }
                index += 1
            }
            if index == fractionStart { return nil }
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            var exponentNegative = false
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            var value = 0
            while index < end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                if value < 100_000 { value = value * 10 + Int(digit) } else { inexact = true }
                index += 1
            }
            if index == exponentStart { return nil }
            exponent += exponentNegative ? -value : value
        }
        return Scan(end: index, mantissa: mantissa, exponent: exponent, negative: negative, inexact: inexact, isInteger: isInteger)
    }

    /// The correctly rounded `Double` of a scanned token in `bytes[start..<scan.end]`;
    /// overflow gives an infinity.
    @inline(__always)
    static func double(_ scan: Scan, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Double {
        if let fast = fastDouble(scan) { return fast }
        return slow(bytes, from: start, to: scan.end) { strtod($0, nil) }
    }

    /// The correctly rounded `Float` of a scanned token; values beyond `Float` range give an
    /// infinity (the caller rejects them).
    @inline(__always)
    static func float(_ scan: Scan, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Float {
        if let fast = fastDouble(scan) {
            let magnitude = Swift.abs(fast)
            // Float midpoints have bit 28 set and bits 0-27 clear in the double's mantissa.
            let low = fast.bitPattern & 0x1FFF_FFFF
            if (magnitude >= Double(Float.leastNormalMagnitude) || magnitude == 0) && low != 0x1000_0000 {
                return Float(fast)
            }
        } else if let near = nearFloat(scan) {
            return near
        }
        return slow(bytes, from: start, to: scan.end) { strtof($0, nil) }
    }

    /// The correctly rounded `Float` of a token with more significant digits than Clinger's
    /// fast path takes (up to 19 kept, the rest dropped: the 17 digits of a `Double` printed
    /// by Python's `json`, for one), or nil when it cannot be told this way.
    ///
    /// `Double(mantissa)` rounds once (mantissa < 2^64), the product or quotient by the exact
    /// `10^|e|` (|e| <= 22) once more, and dropped digits are below 2^-59 relative: the double
    /// `d` is within 3 of its units in the last place of the exact value `x`. A float midpoint is
    /// a double; when `d` is more than 16 units from every float midpoint, `x` and `d` lie on the
    /// same side of each, so `Float(d)` is the correctly rounded `Float` of `x`. Within 16 units
    /// (16 in 2^29 of all doubles), subnormal and out-of-range results: nil, and `strtof` decides.
    @inline(__always)
    static func nearFloat(_ scan: Scan) -> Float? {
        guard scan.mantissa != 0, scan.exponent >= -22, scan.exponent <= 22 else { return nil }
        let value = magnitude(scan)
        guard value >= Double(Float.leastNormalMagnitude), value <= Double(Float.greatestFiniteMagnitude) else {
            return nil
        }
        let low = Int64(value.bitPattern & 0x1FFF_FFFF)
        guard Swift.abs(low - 0x1000_0000) > 16 else { return nil }
        return Float(scan.negative ? -value : value)
    }

    /// The value of a token longer than `maximumTokenLength` when its magnitude alone decides
    /// it: `±infinity` when its leading digit's decimal exponent is at least `overflowExponent`
    /// (39 for `Float`, 309 for `Double`), `±0` when the token is all zeros or that exponent is
    /// at most `underflowExponent` (-47 for `Float`, -325 for `Double`: below half the least
    /// subnormal); nil otherwise (an in-range long token, which the caller rejects).
    static func longTokenValue(_ scan: Scan, overflowExponent: Int, underflowExponent: Int) -> Double? {
        let sign: Double = scan.negative ? -1 : 1
        guard scan.mantissa != 0 else { return sign * 0 }
        var digits = 0
        var mantissa = scan.mantissa
        while mantissa > 0 {
            digits += 1
            mantissa /= 10
        }
        let leading = scan.exponent + digits - 1
        if leading >= overflowExponent { return sign * .infinity }
        if leading <= underflowExponent { return sign * 0 }
        return nil
    }

    @inline(__always)
    static func fastDouble(_ scan: Scan) -> Double? {
        guard !scan.inexact, scan.mantissa <= (1 << 53), scan.exponent >= -22, scan.exponent <= 22 else {
            if scan.mantissa == 0 && !scan.inexact { return scan.negative ? -0.0 : 0.0 }
            return nil
        }
        let value = magnitude(scan)
        return scan.negative ? -value : value
    }

    /// `Double(mantissa) * 10^exponent` (a division for a negative exponent), unsigned.
    /// - Precondition: `|exponent| <= 22`, so the power of ten is exact.
    @inline(__always)
    static func magnitude(_ scan: Scan) -> Double {
        let value = Double(scan.mantissa)
        return scan.exponent >= 0 ? value * powerOfTen(scan.exponent) : value / powerOfTen(-scan.exponent)
    }

    /// Converts `bytes[start..<end]` with a C function on a NUL-terminated stack copy.
    static func slow<T>(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                        _ convert: (UnsafePointer<CChar>) -> T) -> T {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
            buffer[length] = 0
            // The C locale is in effect (Swift programs never call setlocale), so '.' is the
            // decimal separator.
            return convert(UnsafePointer(buffer.baseAddress.unsafelyUnwrapped))
        }
    }
}
