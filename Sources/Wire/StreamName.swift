/// The contract's stream names: 1-128 bytes of `[A-Za-z0-9._:/-]`, used as the ZeroMQ topic.
public enum StreamName {
    /// The longest stream name in bytes.
    public static let maximumLength = 128

    /// True when `bytes` is a valid stream name.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 1, bytes.count <= maximumLength else { return false }
        for byte in bytes where !isAllowed(byte) { return false }
        return true
    }

    /// True when `name` is a valid stream name.
    public static func isValid(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isValid(UnsafeRawBufferPointer($0)) }
    }

    /// Checks a stream frame and returns it as a `String`.
    ///
    /// - Throws: `WireRejection` with reason `.stream` when it is not a valid name.
    public static func validated(_ bytes: UnsafeRawBufferPointer) throws(WireRejection) -> String {
        guard isValid(bytes) else {
            throw WireRejection(.stream, detail: "bad stream name (\(bytes.count) bytes)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
