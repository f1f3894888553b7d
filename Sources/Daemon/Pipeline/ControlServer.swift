import Alerts
import Foundation
import Logging
import Store
import Wire
import ZeroMQ

/// The control protocol over the ROUTER socket: request framing, dispatch, and `retrain --wait`
/// replies that wait for their runs. Runs on the ingest thread, which owns the socket.
final class ControlServer {
    /// A `retrain --wait` whose reply waits for its runs.
    struct PendingWait {
        var envelope: [[UInt8]]
        var requestID: Int
        var streams: [String]
        /// The streams where the request joined a run already queued or running.
        var coalesced: Set<String> = []
        /// Wall-clock deadline, seconds since the Unix epoch.
        var deadline: Double
    }

    /// How long a `retrain --wait` may wait before it is answered with what finished, seconds.
    static let maximumWait = 3_600.0

    /// The control socket's `ZMQ_MAXMSGSIZE`, bytes (16 MiB): libzmq drops a peer that sends
    /// more, so it sits well above `ControlRequest.maximumRequestBytes`, letting a request
    /// between the two arrive and be answered with an error reply instead of a dropped
    /// connection, while bounding what one request can make aed buffer.
    static let maximumFrameBytes = 16 << 20

    private let socket: Socket
    private let pipeline: StreamPipeline
    private let status: () -> StatusReply
    private let logger: Logger
    private let message = MultipartMessage(maximumStoredFrames: 4)
    private var pendingWaits: [PendingWait] = []

    /// A server answering on `socket` about `pipeline`, with `status` building the status reply.
    init(socket: Socket, pipeline: StreamPipeline, logger: Logger, status: @escaping () -> StatusReply) {
        self.socket = socket
        self.pipeline = pipeline
        self.logger = logger
        self.status = status
    }

    /// Answers up to 64 ready requests; never blocks.
    func drain(now: Double) {
        for _ in 0..<64 {
            let received: Bool
            do {
                received = try socket.receiveMultipart(into: message, dontWait: true)
            } catch {
                logger.warning("control receive failed", metadata: ["error": "\(error)"])
                return
            }
            guard received else { return }
            // ROUTER framing: [identity][...][empty][request] from REQ; echo everything before
            // the request as the envelope. Without a delimiter the peer gets [identity][reply].
            let stored = message.storedFrameCount
            guard stored >= 1 else { continue }
            // Every frame but the last (the request), copied; the request only once its size is known.
            let head = (0..<(stored - 1)).map { message[$0].bytes }
            var envelope: [[UInt8]]
            let framed: Bool
            if let delimiter = head.firstIndex(where: { $0.isEmpty }), delimiter >= 1, delimiter == head.count - 1,
                message.frameCount == stored
            {
                envelope = head
                framed = true
            } else {
                envelope = [head.first ?? message[0].bytes]
                framed = false
            }
            let reply: [UInt8]?
            let size = message[stored - 1].count
            if !framed {
                reply = ControlReply.error("expected a request frame from a REQ socket: [empty][JSON]")
            } else if size > ControlRequest.maximumRequestBytes {
                logger.notice(
                    "control request over the size limit answered with an error",
                    metadata: ["bytes": "\(size)", "limit": "\(ControlRequest.maximumRequestBytes)"])
                reply = ControlReply.error(
                    "request of \(size) bytes is over the control limit of \(ControlRequest.maximumRequestBytes) bytes")
            } else {
                reply = handle(message[stored - 1].bytes, envelope: envelope, now: now)
            }
            guard let reply else { continue }
            envelope.append(reply)
            send(envelope)
        }
    }

    private func send(_ frames: [[UInt8]]) {
        do {
            _ = try socket.sendMultipart(frames, dontWait: true)
        } catch {
            logger.warning("control reply failed", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one control request; returns nil when the reply is deferred (`retrain` with wait).
    func handle(_ body: [UInt8], envelope: [[UInt8]], now: Double) -> [UInt8]? {
        let request: ControlRequest
        do {
            request = try ControlRequest.decode(body)
        } catch {
            return ControlReply.error("\(error)")
        }
        do {
            switch request {
            case .status:
                return try ControlReply.encode(status())
            case .retrain(let names, let wait, let acceptShift):
                let streams = pipeline.streams
                let unknown = names.filter { streams[$0] == nil }
                guard unknown.isEmpty else { return ControlReply.error("unknown stream(s): \(unknown.joined(separator: ", "))") }
                let targets = names.isEmpty ? streams.keys.sorted() : names
                guard !targets.isEmpty else { return ControlReply.error("no streams yet: nothing to retrain") }
                if acceptShift {
                    let open = targets.filter { streams[$0]?.lastShift.map { !$0.adopted } ?? false }
                    guard !open.isEmpty else {
                        return ControlReply.error("no open level shift to accept on \(targets.joined(separator: ", "))")
                    }
                    for name in open { _ = pipeline.acceptShift(of: name) }
                }
                let (id, admissions) = pipeline.scheduler.request(
                    targets, running: { streams[$0]?.trainingInFlight ?? false }, followUp: acceptShift)
                let coalesced = Set(targets.filter { admissions[$0] != .queued })
                logger.info(
                    "retrain requested",
                    metadata: [
                        "streams": "\(targets.joined(separator: ","))", "request": "\(id)", "wait": "\(wait)",
                        "coalesced": "\(coalesced.sorted().joined(separator: ","))",
                    ])
                if wait {
                    pendingWaits.append(
                        PendingWait(
                            envelope: envelope, requestID: id, streams: targets, coalesced: coalesced,
                            deadline: now + Self.maximumWait))
                    return nil
                }
                return try ControlReply.encode(
                    RetrainReply(
                        runs: targets.map { name in
                            let reason = admissions[name]?.coalescedReason
                            return RetrainResult(
                                stream: name, outcome: (reason == nil ? TrainingRunState.started : .coalesced).replyValue, reason: reason,
                                coalesced: reason == nil ? nil : true)
                        }))
            case .alerts(let stream, let since, let limit):
                let cap = min(limit ?? 100, ControlRequest.maximumAlertsLimit)
                let records = try pipeline.store.alerts(stream: stream, since: since, limit: cap)
                let decoder = JSONDecoder()
                let shifts = try pipeline.store.shifts(stream: stream, since: since, limit: cap).compactMap {
                    try? decoder.decode(LevelShift.self, from: Data($0.utf8))
                }
                return try ControlReply.encode(AlertsReply(alerts: records.map(\.alert.withEpisode), shifts: shifts))
            }
        } catch {
            return ControlReply.error("\(request.command) failed: \(error)")
        }
    }

    /// Answers the `retrain --wait` requests whose runs have all finished (or timed out).
    func answerWaits(now: Double) {
        guard !pendingWaits.isEmpty else { return }
        let scheduler = pipeline.scheduler
        let streams = pipeline.streams
        var still: [PendingWait] = []
        for wait in pendingWaits {
            let done = wait.streams.allSatisfy { (scheduler.completedRequests[$0] ?? 0) >= wait.requestID || streams[$0] == nil }
            guard done || now >= wait.deadline else {
                still.append(wait)
                continue
            }
            var results: [RetrainResult] = []
            for name in wait.streams {
                for run in (scheduler.lastRuns[name] ?? [:]).values.sorted(by: { $0.detector < $1.detector }) {
                    results.append(
                        RetrainResult(
                            stream: name, detector: run.detector, outcome: run.outcome.replyValue,
                            reason: run.reason, modelVersion: run.modelVersion, validationLoss: run.validationLoss,
                            finished: run.finished, coalesced: wait.coalesced.contains(name) ? true : nil))
                }
            }
            var frames = wait.envelope
            if done {
                frames.append((try? ControlReply.encode(RetrainReply(runs: results))) ?? ControlReply.error("encoding failed"))
            } else {
                frames.append(ControlReply.error("retrain still running after \(Int(Self.maximumWait)) s"))
            }
            send(frames)
        }
        pendingWaits = still
    }

    /// Answers every waiting client before the socket goes.
    func close() {
        for wait in pendingWaits { send(wait.envelope + [ControlReply.error("aed is stopping")]) }
        pendingWaits = []
    }
}
