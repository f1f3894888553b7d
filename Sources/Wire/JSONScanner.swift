/// A cursor over the raw bytes of a JSON payload with the few primitives the wire decoder needs
/// (RFC 8259 grammar); every failure is a `.malformed` `WireRejection`.
struct JSONScanner {
    /// The deepest nesting `skipValue` follows before giving up.
    static let maximumDepth = 64

    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.index = 0
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always)
    static func malformed(_ detail: String) -> WireRejection {
        WireRejection(.malformed, detail: detail)
    }

    /// True when only whitespace remains.
    mutating func atEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count && Self.isWhitespace(bytes[index]) { index += 1 }
    }

    /// The next non-blank byte without consuming it.
    @inline(__always)
    mutating func peek() throws(WireRejection) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw Self.malformed("unexpected end of JSON") }
        return bytes[index]
    }

    /// Consumes `byte` (after whitespace).
    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(WireRejection) {
        guard try peek() == byte else { throw Self.malformed("expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)") }
        index += 1
    }

    /// Consumes `byte` if it is next; returns whether it did.
    @inline(__always)
    mutating func consume(_ byte: UInt8) throws(WireRejection) -> Bool {
        if try peek() == byte {
            index += 1
            return true
        }
        return false
    }

    /// Reads an object key and the following `:`; returns the key's raw byte range (escapes
    /// not decoded; a key with escapes never equals a known key).
    mutating func key() throws(WireRejection) -> (start: Int, end: Int, escaped: Bool) {
        try expect(UInt8(ascii: "\""))
        let range = try stringBody()
        try expect(UInt8(ascii: ":"))
        return range
    }

    /// Reads a string body after its opening quote, validating escapes and control bytes.
    mutating func stringBody() throws(WireRejection) -> (start: Int, end: Int, escaped: Bool) {
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (start, index - 1, escaped)
            }
            if byte < 0x20 { throw Self.malformed("control character in string") }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count else { throw Self.malformed("truncated \\u escape") }
                    for offset in 1...4 where !bytes[index + offset].isHexDigit {
                        throw Self.malformed("bad \\u escape")
                    }
                    index += 5
                default:
                    throw Self.malformed("bad escape in string")
                }
                continue
            }
            index += 1
        }
        throw Self.malformed("unterminated string")
    }

    /// True when the key range equals `literal`.
    @inline(__always)
    func keyEquals(_ key: (start: Int, end: Int, escaped: Bool), _ literal: StaticString) -> Bool {
        guard !key.escaped, key.end - key.start == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<literal.utf8CodeUnitCount where bytes[key.start + offset] != pointer[offset] {
            return false
        }
        return true
    }

    /// Reads a number as an exactly rounded `Float`; `NaN`, `Infinity` and `-Infinity` (as
    /// Python's `json.dumps` writes them) give non-finite values. Overflow gives an infinity.
    @inline(__always)
    mutating func float() throws(WireRejection) -> Float {
        let first = try peek()
        if first == UInt8(ascii: "N") || first == UInt8(ascii: "I") || (first == UInt8(ascii: "-") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I")) {
            return try nonNumber()
        }
        let start = index
        guard let scan = DecimalNumber.scan(bytes, from: start) else { throw malformedValue(first) }
        guard scan.end - start <= DecimalNumber.maximumTokenLength else {
            // Out of range is out of range however it is spelt (the caller rejects it as non-finite).
            guard let value = DecimalNumber.longTokenValue(scan, overflowExponent: 39, underflowExponent: -47) else {
                throw Self.malformed("number token longer than \(DecimalNumber.maximumTokenLength) bytes")
            }
            index = scan.end
            return Float(value)
        }
        index = scan.end
        return DecimalNumber.float(scan, bytes, from: start)
    }

    /// Reads a finite number as a `Double`.
    mutating func double() throws(WireRejection) -> Double {
        let first = try peek()
        let start = index
        guard let scan = DecimalNumber.scan(bytes, from: start) else { throw malformedValue(first) }
        guard scan.end - start <= DecimalNumber.maximumTokenLength else {
            throw Self.malformed("number token longer than \(DecimalNumber.maximumTokenLength) bytes")
        }
        index = scan.end
        let value = DecimalNumber.double(scan, bytes, from: start)
        guard value.isFinite else { throw Self.malformed("number outside Double range") }
        return value
    }

    /// Reads a non-negative integer below 2^64 - 1.
    mutating func unsignedInteger() throws(WireRejection) -> UInt64 {
        let first = try peek()
        let start = index
        guard let scan = DecimalNumber.scan(bytes, from: start) else { throw malformedValue(first) }
        // More than 19 digits shift the exponent: rejected rather than overflowed.
        guard scan.isInteger, !scan.negative, !scan.inexact, scan.exponent == 0 else {
            throw Self.malformed("seq must be a non-negative integer below 10^19")
        }
        index = scan.end
        guard scan.mantissa != VectorBatch.noSequenceNumber else { throw Self.malformed("seq too large") }
        return scan.mantissa
    }

    /// Reads `NaN`, `Infinity`, `-Infinity`.
    mutating func nonNumber() throws(WireRejection) -> Float {
        if matchLiteral("NaN") { return .nan }
        if matchLiteral("Infinity") { return .infinity }
        if matchLiteral("-Infinity") { return -.infinity }
        throw Self.malformed("invalid literal")
    }

    /// Consumes `literal` if the bytes at the cursor spell it.
    mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<length where bytes[index + offset] != pointer[offset] { return false }
        index += length
        return true
    }

    /// The rejection for a value that is not a number where one belongs.
    func malformedValue(_ first: UInt8) -> WireRejection {
        switch first {
        case UInt8(ascii: "n"): Self.malformed("null where a number belongs")
        case UInt8(ascii: "\""): Self.malformed("string where a number belongs")
        case UInt8(ascii: "t"), UInt8(ascii: "f"): Self.malformed("boolean where a number belongs")
        case UInt8(ascii: "["), UInt8(ascii: "{"): Self.malformed("nested value where a number belongs")
        default: Self.malformed("invalid number at byte \(index)")
        }
    }

    /// Skips any JSON value (for unknown keys), nesting at most `maximumDepth` deep.
    mutating func skipValue(depth: Int = 0) throws(WireRejection) {
        guard depth < Self.maximumDepth else { throw Self.malformed("JSON nested too deeply") }
        let first = try peek()
        switch first {
        case UInt8(ascii: "\""):
            index += 1
            _ = try stringBody()
        case UInt8(ascii: "{"):
            index += 1
            if try consume(UInt8(ascii: "}")) { return }
            repeat {
                _ = try key()
                try skipValue(depth: depth + 1)
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            index += 1
            if try consume(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "t"):
            guard matchLiteral("true") else { throw Self.malformed("invalid literal") }
        case UInt8(ascii: "f"):
            guard matchLiteral("false") else { throw Self.malformed("invalid literal") }
        case UInt8(ascii: "n"):
            guard matchLiteral("null") else { throw Self.malformed("invalid literal") }
        default:
            _ = try double()
        }
    }
}

extension UInt8 {
    var isHexDigit: Bool {
        (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9"))
            || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
