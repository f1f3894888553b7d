/// The payload form a publisher writes.
public enum PayloadFormat: String, Sendable, CaseIterable, Codable {
    /// `{"values": [...]}` or `{"batch": [...]}`.
    case json
    /// `AEV1` little-endian binary.
    case binary
}

/// Encodes vectors `[count, dimension]` into either payload form of the contract, for
/// publishers (`aectl publish`, tests, benchmarks).
///
/// Both forms decode with `WireDecoder` and with the Python peer (`bench/wire.py`) as long as
/// no sequence numbers are written in binary (the peer predates the `seq` flag).
public enum WireEncoder {
    /// Appends an `AEV1` payload to `output`.
    ///
    /// - Parameters:
    ///   - values: `[count, dimension]` row-major.
    ///   - timestamps: nil, or `[count]` seconds since the Unix epoch (NaN = none).
    ///   - sequenceNumbers: nil, or `[count]`.
    /// - Precondition: `values.count == count * dimension`, `dimension > 0`, the optional arrays
    ///   have `count` entries, and `count` and `dimension` fit in 32 bits.
    public static func encodeBinary(values: UnsafeBufferPointer<Float>, dimension: Int,
                                    timestamps: UnsafeBufferPointer<Double>? = nil,
                                    sequenceNumbers: UnsafeBufferPointer<UInt64>? = nil,
                                    into output: inout [UInt8]) {
        precondition(dimension > 0 && values.count % dimension == 0, "values.count \(values.count) is not a multiple of dimension \(dimension)")
        let count = values.count / dimension
        precondition(count <= Int(UInt32.max) && dimension <= Int(UInt32.max), "count \(count) or dimension \(dimension) over 2^32 - 1")
        precondition(timestamps.map { $0.count == count } ?? true, "timestamps.count \(timestamps?.count ?? 0) != count \(count)")
        precondition(sequenceNumbers.map { $0.count == count } ?? true, "sequenceNumbers.count \(sequenceNumbers?.count ?? 0) != count \(count)")
        var flags: UInt32 = 0
        if timestamps != nil { flags |= BinaryFormat.timestampsFlag }
        if sequenceNumbers != nil { flags |= BinaryFormat.sequenceNumbersFlag }
        let size = BinaryFormat.payloadSize(dimension: dimension, count: count, flags: flags) ?? 0
        output.reserveCapacity(output.count + size)
        output.append(contentsOf: BinaryFormat.magic)
        appendLittleEndian(UInt32(dimension), to: &output)
        appendLittleEndian(UInt32(count), to: &output)
        appendLittleEndian(flags, to: &output)
        if let timestamps {
            for value in timestamps { appendLittleEndian(value.bitPattern, to: &output) }
        }
        if let sequenceNumbers {
            for value in sequenceNumbers { appendLittleEndian(value, to: &output) }
        }
        #if _endian(little)
        output.append(contentsOf: UnsafeRawBufferPointer(values))
        #else
        for value in values { appendLittleEndian(value.bitPattern, to: &output) }
        #endif
    }

    /// Appends a JSON payload to `output`: the single form for one vector, the batch form for
    /// several. Floats are written in their shortest round-trip form; NaN and infinities as
    /// `NaN`/`Infinity` (as Python writes them; decoders reject them as non-finite).
    ///
    /// - Parameters: as `encodeBinary`; a NaN timestamp or `VectorBatch.noSequenceNumber` is
    ///   left out of its vector.
    /// - Precondition: as `encodeBinary`, and at least one vector.
    public static func encodeJSON(values: UnsafeBufferPointer<Float>, dimension: Int,
                                  timestamps: UnsafeBufferPointer<Double>? = nil,
                                  sequenceNumbers: UnsafeBufferPointer<UInt64>? = nil,
                                  into output: inout [UInt8]) {
        precondition(dimension > 0 && values.count % dimension == 0 && !values.isEmpty, "values.count \(values.count) is not a positive multiple of dimension \(dimension)")
        let count = values.count / dimension
        precondition(timestamps.map { $0.count == count } ?? true, "timestamps.count \(timestamps?.count ?? 0) != count \(count)")
        precondition(sequenceNumbers.map { $0.count == count } ?? true, "sequenceNumbers.count \(sequenceNumbers?.count ?? 0) != count \(count)")
        if count > 1 { output.append(contentsOf: #"{"batch":["#.utf8) }
        for row in 0..<count {
            if row > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"values":["#.utf8)
            for column in 0..<dimension {
                if column > 0 { output.append(UInt8(ascii: ",")) }
                appendJSONNumber(values[row * dimension + column], to: &output)
            }
            output.append(UInt8(ascii: "]"))
            if let timestamps, !timestamps[row].isNaN {
                output.append(contentsOf: #","ts":"#.utf8)
                let timestamp = timestamps[row]
                output.append(contentsOf: (timestamp.isFinite ? timestamp.description : "null").utf8)
            }
            if let sequenceNumbers, sequenceNumbers[row] != VectorBatch.noSequenceNumber {
                output.append(contentsOf: #","seq":"#.utf8)
                output.append(contentsOf: String(sequenceNumbers[row]).utf8)
            }
            output.append(UInt8(ascii: "}"))
        }
        if count > 1 { output.append(contentsOf: "]}".utf8) }
    }

    /// Convenience: one payload from arrays.
    /// - Precondition: as `encodeBinary` / `encodeJSON`.
    public static func encode(_ format: PayloadFormat, values: [Float], dimension: Int,
                              timestamps: [Double]? = nil, sequenceNumbers: [UInt64]? = nil) -> [UInt8] {
        var output: [UInt8] = []
        values.withUnsafeBufferPointer { values in
            withOptionalBuffer(timestamps) { timestamps in
                withOptionalBuffer(sequenceNumbers) { sequenceNumbers in
                    switch format {
                    case .json:
                        encodeJSON(values: values, dimension: dimension, timestamps: timestamps, sequenceNumbers: sequenceNumbers, into: &output)
                    case .binary:
                        encodeBinary(values: values, dimension: dimension, timestamps: timestamps, sequenceNumbers: sequenceNumbers, into: &output)
                    }
                }
            }
        }
        return output
    }

    static func withOptionalBuffer<T, R>(_ array: [T]?, _ body: (UnsafeBufferPointer<T>?) -> R) -> R {
        guard let array else { return body(nil) }
        return array.withUnsafeBufferPointer { body($0) }
    }

    @inline(__always)
    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }

    @inline(__always)
    static func appendJSONNumber(_ value: Float, to output: inout [UInt8]) {
        if value.isNaN {
            output.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            output.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8)
        } else if value == value.rounded(), Swift.abs(value) < 1e7, !(value == 0 && value.sign == .minus) {
            // Integers print without a fraction ("3", not "3.0"), like the datasets' CSV.
            output.append(contentsOf: String(Int(value)).utf8)
        } else {
            output.append(contentsOf: value.description.utf8)
        }
    }
}
