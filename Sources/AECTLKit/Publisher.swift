import Foundation
import Wire
import ZeroMQ

/// How `Publisher` sends.
public struct PublishOptions: Sendable {
    /// Where to send: the endpoint a SUB binds (default), or to bind with `bind`.
    public var endpoint: String
    /// The stream name (the ZeroMQ topic).
    public var stream: String
    /// Bind the endpoint (for a SUB that connects) instead of connecting.
    public var bind: Bool
    /// JSON or `AEV1` binary payloads.
    public var format: PayloadFormat
    /// Vectors per message (the JSON batch form or one AEV1 batch when > 1).
    public var batch: Int
    /// Vectors per second; nil = as fast as the subscriber takes them.
    public var rate: Double?
    /// Send each vector's send time as `ts` (seconds since the Unix epoch).
    public var timestamps: Bool
    /// Number the vectors from 0 in `seq` so aed can count gaps.
    public var sequenceNumbers: Bool
    /// Replay timestamps instead of the send time: row `i` gets `ts = start + i * step`
    /// (seconds since the Unix epoch, and seconds), as for a recorded series with a fixed
    /// spacing; nil = the send time. Ignored when `timestamps` is false.
    public var seriesClock: SeriesClock?
    /// Each row's own `ts` (a CSV `ts` column), seconds since the Unix epoch; used when
    /// `seriesClock` is nil. Ignored when `timestamps` is false.
    public var rowTimestamps: [Double]? = nil
    /// How long to wait for a subscriber before giving up, in seconds.
    public var waitSeconds: Double
    /// How long one send may block on a full queue before giving up, in milliseconds.
    public var sendTimeoutMilliseconds: Int32
    /// CURVE credentials for a `tcp://` endpoint of a daemon with CURVE ingest (ignored for
    /// other transports); nil = plaintext.
    public var curve: CurveClientCredentials? = nil

    /// Creates options; see the properties.
    public init(endpoint: String, stream: String, bind: Bool = false, format: PayloadFormat = .binary, batch: Int = 1,
                rate: Double? = nil, timestamps: Bool = true, sequenceNumbers: Bool = true, waitSeconds: Double = 10,
                sendTimeoutMilliseconds: Int32 = 10_000, seriesClock: SeriesClock? = nil) {
        self.endpoint = endpoint
        self.stream = stream
        self.bind = bind
        self.format = format
        self.batch = batch
        self.rate = rate
        self.timestamps = timestamps
        self.sequenceNumbers = sequenceNumbers
        self.waitSeconds = waitSeconds
        self.sendTimeoutMilliseconds = sendTimeoutMilliseconds
        self.seriesClock = seriesClock
    }
}

/// Timestamps of a recorded series: row `i` is stamped `start + i * step`.
public struct SeriesClock: Sendable, Equatable {
    /// The first row's timestamp, seconds since the Unix epoch.
    public var start: Double
    /// The spacing of rows, in seconds.
    public var step: Double

    /// Creates a series clock; see the properties.
    public init(start: Double, step: Double) {
        self.start = start
        self.step = step
    }

    /// The timestamp of row `row`, in seconds since the Unix epoch.
    public func timestamp(ofRow row: Int) -> Double { start + Double(row) * step }
}

/// What a publish run did.
public struct PublishReport: Sendable, Equatable {
    /// Vectors sent.
    public var vectors: Int
    /// Messages sent.
    public var messages: Int
    /// Payload bytes sent.
    public var bytes: Int
    /// Seconds from the first send to the last (after the subscriber joined).
    public var seconds: Double
    /// The endpoint used (the real one when bound with a wildcard port).
    public var endpoint: String

    /// `vectors / seconds`.
    public var vectorsPerSecond: Double { seconds > 0 ? Double(vectors) / seconds : 0 }
}

/// A lossless publisher of vectors in the wire format, as used by `aectl publish`, the demo
/// and the daemon's tests.
///
/// It uses an XPUB socket with `ZMQ_XPUB_NODROP`, so a full queue blocks (bounded by the send
/// timeout) instead of dropping, and it sends nothing until a subscriber whose subscription
/// covers the stream has joined, so no vector is lost to the slow-joiner effect.
public enum Publisher {
    /// Publishes a CSV file (header row, one vector a line); a `ts` column is sent as each
    /// vector's `ts` (unless `options.seriesClock` or `options.timestamps` says otherwise).
    ///
    /// - Throws: `PublishError` (file errors with file and line, no subscriber, send timeout).
    public static func publish(csv path: String, options: PublishOptions,
                               onBound: (String) -> Void = { _ in }) throws(PublishError) -> PublishReport {
        let vectors = try CSVVectors.load(path: path)
        var options = options
        if options.seriesClock == nil { options.rowTimestamps = vectors.timestamps }
        return try publish(values: vectors.values, dimension: vectors.dimension, options: options, onBound: onBound)
    }

    /// Publishes `values`, `[count, dimension]` row-major, in messages of `options.batch`.
    ///
    /// `onBound` is called with the real endpoint once the socket is bound or connected (before
    /// waiting for a subscriber), so a caller that bound `tcp://127.0.0.1:*` can hand it on.
    /// - Throws: `PublishError.noSubscriber`, `.sendTimedOut`, `.transport`.
    /// - Precondition: `dimension > 0`, `values.count` a multiple of it, `options.batch >= 1`.
    public static func publish(values: [Float], dimension: Int, options: PublishOptions,
                               onBound: (String) -> Void = { _ in }) throws(PublishError) -> PublishReport {
        precondition(dimension > 0 && values.count % dimension == 0, "values.count \(values.count) is not a multiple of dimension \(dimension)")
        precondition(options.batch >= 1, "batch must be >= 1, got \(options.batch)")
        do {
            let context = try Context()
            let socket = try context.socket(.xpub, lingerMilliseconds: max(options.sendTimeoutMilliseconds, 0))
            defer { socket.close() }
            try socket.set(.xpubNoDrop(true))
            try socket.set(.sendTimeout(milliseconds: options.sendTimeoutMilliseconds))
            if let curve = options.curve, options.endpoint.hasPrefix("tcp://") { try socket.makeCurveClient(curve) }
            let endpoint: String
            if options.bind {
                endpoint = try socket.bind(options.endpoint)
            } else {
                try socket.connect(options.endpoint)
                endpoint = options.endpoint
            }
            onBound(endpoint)
            try waitForSubscriber(socket, stream: options.stream, endpoint: endpoint, seconds: options.waitSeconds)
            return try send(values: values, dimension: dimension, options: options, socket: socket, endpoint: endpoint)
        } catch let error as PublishError {
            throw error
        } catch {
            throw .transport("\(error)")
        }
    }

    /// Waits until a subscription message (`0x01` + prefix) covering `stream` arrives.
    static func waitForSubscriber(_ socket: Socket, stream: String, endpoint: String, seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        let streamBytes = Array(stream.utf8)
        try socket.set(.receiveTimeout(milliseconds: 50))
        while Date() < deadline {
            guard let frame = try socket.receiveFrame() else { continue }
            guard frame.first == 1 else { continue }
            let prefix = frame.dropFirst()
            if prefix.count <= streamBytes.count && streamBytes.starts(with: prefix) { return }
        }
        throw PublishError.noSubscriber(endpoint: endpoint, seconds: seconds)
    }

    static func send(values: [Float], dimension: Int, options: PublishOptions, socket: Socket, endpoint: String) throws -> PublishReport {
        let count = values.count / dimension
        let topic = Array(options.stream.utf8)
        var payload: [UInt8] = []
        var timestamps: [Double] = []
        var sequenceNumbers: [UInt64] = []
        var report = PublishReport(vectors: 0, messages: 0, bytes: 0, seconds: 0, endpoint: endpoint)
        let clock = ContinuousClock()
        let start = clock.now
        var row = 0
        try values.withUnsafeBufferPointer { all in
            while row < count {
                let rows = min(options.batch, count - row)
                if let rate = options.rate, rate > 0 {
                    let due = start + .seconds(Double(row) / rate)
                    let now = clock.now
                    if now < due { Thread.sleep(forTimeInterval: Double((due - now) / .seconds(1))) }
                }
                let now = Date().timeIntervalSince1970
                timestamps.removeAll(keepingCapacity: true)
                sequenceNumbers.removeAll(keepingCapacity: true)
                for offset in 0..<rows {
                    timestamps.append(
                        options.seriesClock?.timestamp(ofRow: row + offset) ?? options.rowTimestamps?[row + offset] ?? now)
                    sequenceNumbers.append(UInt64(row + offset))
                }
                payload.removeAll(keepingCapacity: true)
                let slice = UnsafeBufferPointer(rebasing: all[(row * dimension)..<((row + rows) * dimension)])
                timestamps.withUnsafeBufferPointer { ts in
                    sequenceNumbers.withUnsafeBufferPointer { seq in
                        let ts = options.timestamps ? ts : nil
                        let seq = options.sequenceNumbers ? seq : nil
                        switch options.format {
                        case .json: WireEncoder.encodeJSON(values: slice, dimension: dimension, timestamps: ts, sequenceNumbers: seq, into: &payload)
                        case .binary: WireEncoder.encodeBinary(values: slice, dimension: dimension, timestamps: ts, sequenceNumbers: seq, into: &payload)
                        }
                    }
                }
                guard try socket.send(topic, more: true), try socket.send(payload) else {
                    throw PublishError.sendTimedOut(endpoint: endpoint, sentVectors: row)
                }
                row += rows
                report.messages += 1
                report.bytes += payload.count
            }
        }
        report.vectors = row
        report.seconds = Double((clock.now - start) / .seconds(1))
        return report
    }
}
