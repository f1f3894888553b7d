/// Why a checkpoint could not be decoded.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The blob ends before a field: `needed` bytes, `available` left.
    case truncated(needed: Int, available: Int)
    /// The blob does not start with "AEDT".
    case badMagic
    /// A format version this build cannot read.
    case unsupportedVersion(UInt32)
    /// The stored checksum differs from the computed one: the blob is corrupt.
    case checksumMismatch(stored: UInt64, computed: UInt64)
    /// A length field is out of range.
    case invalidLength(String)
    /// A name is not valid UTF-8.
    case invalidName
    /// Two tensors share a name.
    case duplicateName(String)
    /// Bytes remain after the last tensor.
    case trailingBytes(Int)

    /// A one-line explanation for logs and operators.
    public var description: String {
        switch self {
        case .truncated(let needed, let available):
            return "checkpoint truncated: \(needed) bytes needed, \(available) available"
        case .badMagic: return "not a checkpoint (magic is not AEDT)"
        case .unsupportedVersion(let v): return "checkpoint version \(v) is not supported"
        case .checksumMismatch(let stored, let computed):
            return "checkpoint corrupt: checksum \(stored) stored, \(computed) computed"
        case .invalidLength(let what): return "checkpoint corrupt: invalid \(what)"
        case .invalidName: return "checkpoint corrupt: a name is not UTF-8"
        case .duplicateName(let name): return "checkpoint has \(name) twice"
        case .trailingBytes(let n): return "checkpoint corrupt: \(n) trailing bytes"
        }
    }
}
