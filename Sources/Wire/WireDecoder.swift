import ZeroMQ

/// Decodes contract messages `[stream][payload]` (JSON or `AEV1`) into a `VectorBatch`.
///
/// Every bad input becomes a counted `WireRejection` and leaves the batch exactly as it was
/// before the bad part: a malformed message appends nothing; in a batch, vectors of the wrong
/// dimension or with non-finite values are dropped one by one and the others kept. Decoding
/// allocates nothing per value: JSON is parsed by hand over the raw bytes and numbers are
/// converted exactly (see `DecimalNumber`); binary rows are copied with `memcpy` and checked
/// for finiteness in place. A decoder is a small value with reusable scratch space; give each
/// ingest thread its own.
public struct WireDecoder: Sendable {
    /// The largest payload accepted, in bytes (default 16 MiB, as the daemon's
    /// `max_message_size`); larger ones are rejected with
    /// `.size`. Set `ZMQ_MAXMSGSIZE` on the socket as well, so libzmq never buffers more.
    public var maximumPayloadBytes: Int

    /// The latest timestamp accepted, in seconds since the Unix epoch (default 2^33 s, in the
    /// year 2242); a vector with a later or a negative `ts` is rejected with `.timestamp`. A
    /// publisher sending milliseconds (about 1.7e12 today) lands far beyond it.
    public var maximumTimestamp: Double

    /// The default `maximumTimestamp`: 2^33 s after the Unix epoch (the year 2242).
    public static let defaultMaximumTimestamp: Double = 8_589_934_592

    /// Scratch for one JSON vector's values before its dimension is known to be right.
    var scratch: [Float] = []

    /// Creates a decoder that accepts payloads up to `maximumPayloadBytes` and timestamps in
    /// `[0, maximumTimestamp]` seconds since the Unix epoch.
    public init(maximumPayloadBytes: Int = 16 << 20, maximumTimestamp: Double = WireDecoder.defaultMaximumTimestamp) {
        self.maximumPayloadBytes = maximumPayloadBytes
        self.maximumTimestamp = maximumTimestamp
        scratch.reserveCapacity(256)
    }

    /// True when a sent timestamp (seconds; NaN or infinite = none sent) is out of range:
    /// negative or beyond `maximumTimestamp`.
    @inline(__always)
    func isImplausible(timestamp: Double) -> Bool {
        timestamp.isFinite && (timestamp < 0 || timestamp > maximumTimestamp)
    }

    /// Checks a received message's envelope: a valid stream name (checked first), then exactly
    /// two frames.
    ///
    /// Returns the stream name.
    /// - Throws: `WireRejection` `.stream` (the first frame is not a valid name, whatever the
    ///   frame count), `.frames` (no frames, or a valid name in one, three or more frames).
    public static func stream(of message: MultipartMessage) throws(WireRejection) -> String {
        guard message.frameCount >= 1 else { throw WireRejection(.frames, detail: "no frames") }
        let name = try message[0].withUnsafeBytes { (bytes) throws(WireRejection) -> String in
            try StreamName.validated(bytes)
        }
        guard message.frameCount == 2 else {
            throw WireRejection(.frames, detail: "\(message.frameCount) frames instead of 2")
        }
        return name
    }

    /// Decodes the payload (frame 2) of a message whose envelope `stream(of:)` accepted,
    /// appending to `batch` and counting rejections in `rejections`.
    /// - Precondition: `message.frameCount == 2`.
    public mutating func decodePayload(of message: MultipartMessage, into batch: inout VectorBatch,
                                       rejections: inout RejectionCounts) -> DecodeOutcome {
        precondition(message.frameCount == 2, "decodePayload needs 2 frames, got \(message.frameCount)")
        return message[1].withUnsafeBytes { decode(payload: $0, into: &batch, rejections: &rejections) }
    }

    /// Decodes a whole message given as frames (tests, tools): checks the envelope, then the
    /// payload. Returns the stream name (nil when the envelope was rejected) and the outcome.
    public mutating func decode(frames: [[UInt8]], into batch: inout VectorBatch,
                                rejections: inout RejectionCounts) -> (stream: String?, outcome: DecodeOutcome) {
        var outcome = DecodeOutcome()
        guard let first = frames.first else {
            outcome.reject(WireRejection(.frames, detail: "no frames"), into: &rejections)
            return (nil, outcome)
        }
        let checked: Result<String, WireRejection> = first.withUnsafeBytes { bytes in
            Result { () throws(WireRejection) -> String in try StreamName.validated(bytes) }
        }
        let name: String
        switch checked {
        case .success(let value): name = value
        case .failure(let rejection):
            outcome.reject(rejection, into: &rejections)
            return (nil, outcome)
        }
        guard frames.count == 2 else {
            outcome.reject(WireRejection(.frames, detail: "\(frames.count) frames instead of 2"), into: &rejections)
            return (name, outcome)
        }
        return (name, frames[1].withUnsafeBytes { decode(payload: $0, into: &batch, rejections: &rejections) })
    }

    /// Decodes one payload (JSON when its first non-blank byte is `{`, binary when it starts
    /// with `AEV1`) and appends its vectors to `batch`.
    public mutating func decode(payload: UnsafeRawBufferPointer, into batch: inout VectorBatch,
                                rejections: inout RejectionCounts) -> DecodeOutcome {
        var outcome = DecodeOutcome()
        guard payload.count <= maximumPayloadBytes else {
            outcome.reject(WireRejection(.size, detail: "payload of \(payload.count) bytes over the limit of \(maximumPayloadBytes)"), into: &rejections)
            return outcome
        }
        guard payload.count > 0, let base = payload.baseAddress else {
            outcome.reject(WireRejection(.size, detail: "empty payload"), into: &rejections)
            return outcome
        }
        let bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: payload.count)
        if bytes.count >= 4 && bytes[0] == 0x41 && bytes[1] == 0x45 && bytes[2] == 0x56 && bytes[3] == 0x31 {
            decodeBinary(payload, into: &batch, outcome: &outcome, rejections: &rejections)
            return outcome
        }
        var index = 0
        while index < bytes.count && JSONScanner.isWhitespace(bytes[index]) { index += 1 }
        if index < bytes.count && bytes[index] == UInt8(ascii: "{") {
            decodeJSON(bytes, into: &batch, outcome: &outcome, rejections: &rejections)
        } else if bytes.count < 4 && bytes.elementsEqual(BinaryFormat.magic.prefix(bytes.count)) {
            outcome.reject(WireRejection(.size, detail: "truncated AEV1 header (\(bytes.count) bytes)"), into: &rejections)
        } else {
            outcome.reject(WireRejection(.malformed, detail: "neither JSON nor AEV1"), into: &rejections)
        }
        return outcome
    }
}
