import Foundation
import Logging
import Wire

/// The streams the daemon knows, and what arrived for streams it does not.
///
/// A stream gets a slot only with its first accepted vector, and at most `max_streams` exist;
/// rejections that cannot be attributed to a stream are counted here. Rejections and drops are
/// logged at most once per stream and reason every 10 s of event time.
final class StreamTable {
    /// The known streams, by name.
    private(set) var streams: [String: StreamRuntime]
    /// Rejections that could not be attributed to a stream.
    var unattributed = RejectionCounts()
    /// Other unattributed drops (`stream-limit`, `queue-full`, `receive-error`), by reason.
    var unattributedExtra: [String: Int] = [:]
    private var lastRejectionLog: [String: Double] = [:]
    private let logger: Logger

    /// A table of `restored` streams.
    init(restored: [String: StreamRuntime], logger: Logger) {
        self.streams = restored
        self.logger = logger
    }

    subscript(name: String) -> StreamRuntime? { streams[name] }

    /// The runtime of stream `name`: the known one, or a candidate that `admit` must add once
    /// it accepted a vector; nil (counted as `stream-limit`) when `max_streams` streams exist.
    func runtime(for name: String, configuration: DaemonConfiguration, now: Double) -> StreamRuntime? {
        if let runtime = streams[name] { return runtime }
        let limit = configuration.daemon.maxStreams
        guard streams.count < limit else {
            unattributedExtra["stream-limit", default: 0] += 1
            if shouldLog("-/stream-limit", now: now) {
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
        logger.info("new stream", metadata: ["stream": "\(runtime.name)"])
    }

    /// Counts the rejections of a candidate whose first message was refused as unattributed.
    func refuse(_ candidate: StreamRuntime) {
        for reason in RejectionReason.allCases { unattributed[reason] += candidate.rejections[reason] }
    }

    /// Counts a message dropped before decoding under its stream when known, else globally.
    func countDrop(stream: String, reason: String, detail: String, now: Double) {
        if let runtime = streams[stream] {
            runtime.dropped[reason, default: 0] += 1
        } else {
            unattributedExtra[reason, default: 0] += 1
        }
        if shouldLog("\(stream)/\(reason)", now: now) {
            logger.warning("dropped input", metadata: ["stream": "\(stream)", "reason": "\(reason)", "detail": "\(detail)"])
        }
    }

    /// Logs a rejection at most once per stream and reason every 10 s.
    func logRejection(stream: String, _ rejection: WireRejection, now: Double) {
        guard shouldLog("\(stream)/\(rejection.reason.rawValue)", now: now) else { return }
        logger.warning(
            "rejected input",
            metadata: ["stream": "\(stream)", "reason": "\(rejection.reason.rawValue)", "detail": "\(rejection.detail)"])
    }

    private func shouldLog(_ key: String, now: Double) -> Bool {
        guard abs(now - (lastRejectionLog[key] ?? -.infinity)) >= 10 else { return false }
        lastRejectionLog[key] = now
        return true
    }
}
