/// Constants of the binary payload form `AEV1` (DESIGN.md, "Wire format"), little-endian:
/// `magic[4] | dim u32 | count u32 | flags u32 | [ts f64 × count if flags&1] |
/// [seq u64 × count if flags&2] | values f32 × count × dim`.
public enum BinaryFormat {
    /// The four magic bytes `AEV1`.
    public static let magic: [UInt8] = Array("AEV1".utf8)
    /// Header size in bytes (magic, dim, count, flags).
    public static let headerSize = 16
    /// Flag bit: a float64 timestamp per vector follows the header.
    public static let timestampsFlag: UInt32 = 1
    /// Flag bit: a uint64 sequence number per vector follows the timestamps.
    public static let sequenceNumbersFlag: UInt32 = 2
    /// All defined flag bits; any other set bit is rejected.
    public static let knownFlags: UInt32 = timestampsFlag | sequenceNumbersFlag

    /// The payload size in bytes for `count` vectors of `dimension`, or nil on overflow.
    public static func payloadSize(dimension: Int, count: Int, flags: UInt32) -> Int? {
        let perVectorExtra = (flags & timestampsFlag != 0 ? 8 : 0) + (flags & sequenceNumbersFlag != 0 ? 8 : 0)
        let (valueCount, overflow1) = dimension.multipliedReportingOverflow(by: count)
        let (valueBytes, overflow2) = valueCount.multipliedReportingOverflow(by: 4)
        let (extraBytes, overflow3) = count.multipliedReportingOverflow(by: perVectorExtra)
        let (body, overflow4) = valueBytes.addingReportingOverflow(extraBytes)
        let (total, overflow5) = body.addingReportingOverflow(headerSize)
        if overflow1 || overflow2 || overflow3 || overflow4 || overflow5 { return nil }
        return total
    }
}
