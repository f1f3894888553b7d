import Detectors
import Foundation
import Logging
import Store
import Wire
import ZeroMQ

/// Receiving, decoding and scoring: the per-message path.
extension IngestLoop {

    /// Receives what ZeroMQ has ready into `queue`, then decodes and scores up to `limit`
    /// vectors from it, receiving again after every scored micro-batch so libzmq's own queue
    /// only holds what arrives while one batch is scored.
    func drainIngest(_ socket: Socket, limit: Int = 50_000) {
        let maxBatch = configuration.daemon.maxBatch
        var taken = 0
        let now = Date().timeIntervalSince1970
        receiveReady(socket, now: now)
        while taken < limit, let entry = queue.popFirst() {
            taken += 1
            let isNew = streams[entry.stream] == nil
            guard let runtime = runtime(for: entry.stream, now: now) else { continue }
            let start = runtime.pending.count
            let outcome = entry.payload.withUnsafeBytes {
                decoder.decode(payload: $0, into: &runtime.pending, rejections: &runtime.rejections)
            }
            if let rejection = outcome.lastRejection { logRejection(stream: entry.stream, rejection, now: now) }
            // Count vectors, not messages, so a turn stays short with many vectors a message and
            // control requests (status) are answered while a backlog drains.
            taken += max(0, runtime.pending.count - start - 1)
            let fixedDimension = runtime.noteDecoded(from: start, receiveTime: now)
            if isNew {
                // A stream gets a slot (and later a `streams` row) only with an accepted vector;
                // a name whose first message is refused leaves its rejections global.
                guard runtime.counters.accepted > 0 else {
                    for reason in RejectionReason.allCases { unattributed[reason] += runtime.rejections[reason] }
                    continue
                }
                admit(runtime)
            }
            if fixedDimension, let dimension = runtime.dimension {
                registerStream(entry.stream, dimension: dimension)
            }
            if runtime.pending.count >= maxBatch {
                score(runtime, now: now)
                receiveReady(socket, now: now)
            }
        }
    }

    /// Moves every message ZeroMQ has ready (at most `limit`) into `queue`; a message that
    /// does not fit under `max_queue_bytes` is dropped and counted as `queue-full`. Never blocks.
    func receiveReady(_ socket: Socket, now: Double, limit: Int = 200_000) {
        var received = 0
        while received < limit {
            let got: Bool
            do {
                got = try socket.receiveMultipart(into: message, dontWait: true)
            } catch {
                unattributedExtra["receive-error", default: 0] += 1
                break
            }
            guard got else { break }
            received += 1
            let name: String
            do {
                name = try WireDecoder.stream(of: message)
            } catch {
                attributeEnvelopeRejection(error)
                continue
            }
            let payloadSize = message[1].count
            if payloadSize > decoder.maximumPayloadBytes {
                // Rejected as `size` without copying it.
                if let runtime = streams[name] {
                    var batch = VectorBatch()
                    let outcome = decoder.decodePayload(of: message, into: &batch, rejections: &runtime.rejections)
                    if let rejection = outcome.lastRejection { logRejection(stream: name, rejection, now: now) }
                } else {
                    var batch = VectorBatch()
                    let outcome = decoder.decodePayload(of: message, into: &batch, rejections: &unattributed)
                    if let rejection = outcome.lastRejection { logRejection(stream: name, rejection, now: now) }
                }
                continue
            }
            guard queue.append(IngestQueue.Entry(stream: name, payload: message[1].bytes)) else {
                countDrop(stream: name, reason: "queue-full", now: now)
                continue
            }
        }
    }

    /// Counts a message dropped before decoding under its stream when aed knows it, else globally,
    /// and logs it at most once per stream and reason every 10 s.
    func countDrop(stream: String, reason: String, now: Double) {
        if let runtime = streams[stream] {
            runtime.dropped[reason, default: 0] += 1
        } else {
            unattributedExtra[reason, default: 0] += 1
        }
        let key = "\(stream)/\(reason)"
        if now - (lastRejectionLog[key] ?? 0) >= 10 {
            lastRejectionLog[key] = now
            logger.warning(
                "dropped input", metadata: ["stream": "\(stream)", "reason": "\(reason)",
                                            "detail": "ingest queue over max_queue_bytes \(queue.maximumBytes)"])
        }
    }

    /// Counts an envelope rejection under its stream when the stream name is readable, else globally.
    func attributeEnvelopeRejection(_ rejection: WireRejection) {
        if rejection.reason == .frames, message.frameCount >= 1 {
            let name = message[0].withUnsafeBytes { bytes -> String? in
                StreamName.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
            }
            if let name, let runtime = streams[name] {
                runtime.rejections.record(rejection)
                return
            }
        }
        unattributed.record(rejection)
        logRejection(stream: "-", rejection, now: Date().timeIntervalSince1970)
    }

    /// The runtime of stream `name`: the known one, or a candidate that `admit` must add once
    /// it accepted a vector; nil (counted as `stream-limit`, logged at most every 10 s) when
    /// `max_streams` streams exist.
    func runtime(for name: String, now: Double) -> StreamRuntime? {
        if let runtime = streams[name] { return runtime }
        let limit = configuration.daemon.maxStreams
        guard streams.count < limit else {
            unattributedExtra["stream-limit", default: 0] += 1
            if now - (lastRejectionLog["-/stream-limit"] ?? 0) >= 10 {
                lastRejectionLog["-/stream-limit"] = now
                logger.warning(
                    "rejected new stream", metadata: ["stream": "\(name)", "reason": "stream-limit",
                                                      "detail": "\(streams.count) streams, max_streams is \(limit)"])
            }
            return nil
        }
        let settings = configuration.settings(forStream: name)
        return StreamRuntime(
            name: name, settings: settings, dimension: settings.dimension,
            alerts: configuration.alerts, maximumDimension: configuration.daemon.maxDimension, now: now)
    }

    /// Adds a new stream that accepted its first vector.
    func admit(_ runtime: StreamRuntime) {
        streams[runtime.name] = runtime
        lastRuns[runtime.name] = [:]
        logger.info("new stream", metadata: ["stream": "\(runtime.name)"])
    }

    func registerStream(_ name: String, dimension: Int) {
        do {
            try store.upsertStream(name: name, dimension: dimension)
            logger.info("stream dimension fixed", metadata: ["stream": "\(name)", "dimension": "\(dimension)"])
        } catch {
            logger.error("cannot register stream", metadata: ["stream": "\(name)", "error": "\(error)"])
        }
    }

    func logRejection(stream: String, _ rejection: WireRejection, now: Double) {
        let key = "\(stream)/\(rejection.reason.rawValue)"
        if now - (lastRejectionLog[key] ?? 0) >= 10 {
            lastRejectionLog[key] = now
            logger.warning(
                "rejected input", metadata: ["stream": "\(stream)", "reason": "\(rejection.reason.rawValue)", "detail": "\(rejection.detail)"])
        }
    }

    func scoreAllPending() {
        let now = Date().timeIntervalSince1970
        for runtime in streams.values where runtime.pendingCount > 0 { score(runtime, now: now) }
    }

    func score(_ runtime: StreamRuntime, now: Double) {
        let writes = runtime.scorePending(alertSettings: configuration.alerts, now: now)
        guard !writes.isEmpty else { return }
        let dropped = writer.submit(writes)
        runtime.counters.alertsDropped += dropped
        if let publisher = alertPublisher { publish(writes, on: publisher) }
    }

    /// Publishes each new alert (an episode's first) as `[alerts.<stream>][JSON]`.
    func publish(_ writes: [AlertWrite], on publisher: Socket) {
        let encoder = JSONEncoder()
        for case .record(let alert, _) in writes {
            guard let body = try? encoder.encode(Self.alertRecord(alert)) else { continue }
            _ = try? publisher.sendMultipart([Array("alerts.\(alert.stream)".utf8), Array(body)], dontWait: true)
        }
    }
}
