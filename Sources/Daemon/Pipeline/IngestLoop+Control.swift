import Detectors
import Foundation
import Logging
import Store
import Wire
import ZeroMQ

/// The control protocol over the ROUTER socket.
extension IngestLoop {

    func drainControl(_ socket: Socket) {
        for _ in 0..<64 {
            let received: Bool
            do {
                received = try socket.receiveMultipart(into: controlMessage, dontWait: true)
            } catch {
                logger.warning("control receive failed", metadata: ["error": "\(error)"])
                return
            }
            guard received else { return }
            // ROUTER framing: [identity][...][empty][request] from REQ; echo everything before
            // the request as the envelope. Without a delimiter the peer gets [identity][reply].
            let frames = controlMessage.arrays
            let stored = controlMessage.storedFrameCount
            guard stored >= 1 else { continue }
            var envelope: [[UInt8]]
            let body: [UInt8]?
            if let delimiter = frames.firstIndex(where: { $0.isEmpty }), delimiter >= 1,
                delimiter == frames.count - 2, controlMessage.frameCount == stored
            {
                envelope = Array(frames[0...delimiter])
                body = frames[delimiter + 1]
            } else {
                envelope = [frames[0]]
                body = nil
            }
            let reply: [UInt8]?
            if let body {
                reply = handleControl(body, envelope: envelope)
            } else {
                reply = ControlReply.error("expected a request frame from a REQ socket: [empty][JSON]")
            }
            guard let reply else { continue }
            envelope.append(reply)
            sendControl(envelope)
        }
    }

    func sendControl(_ frames: [[UInt8]]) {
        guard let control else { return }
        do {
            _ = try control.sendMultipart(frames, dontWait: true)
        } catch {
            logger.warning("control reply failed", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one control request; returns nil when the reply is deferred (`retrain` with wait).
    func handleControl(_ body: [UInt8], envelope: [[UInt8]]) -> [UInt8]? {
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
            case .retrain(let names, let wait):
                let unknown = names.filter { streams[$0] == nil }
                guard unknown.isEmpty else { return ControlReply.error("unknown stream(s): \(unknown.joined(separator: ", "))") }
                let targets = names.isEmpty ? streams.keys.sorted() : names
                guard !targets.isEmpty else { return ControlReply.error("no streams yet: nothing to retrain") }
                let id = nextRequestID
                nextRequestID += 1
                for name in targets { requestedRuns[name, default: []].append(id) }
                logger.info("retrain requested", metadata: ["streams": "\(targets.joined(separator: ","))", "request": "\(id)", "wait": "\(wait)"])
                if wait {
                    pendingWaits.append(
                        PendingWait(envelope: envelope, requestID: id, streams: targets,
                                    deadline: Date().timeIntervalSince1970 + Self.maximumWait))
                    return nil
                }
                return try ControlReply.encode(
                    RetrainReply(runs: targets.map { RetrainResult(stream: $0, outcome: "started") }))
            case .alerts(let stream, let since, let limit):
                let records = try store.alerts(stream: stream, since: since, limit: min(limit ?? 100, 100_000))
                return try ControlReply.encode(AlertsReply(alerts: records.map { Self.alertRecord($0.alert) }))
            }
        } catch {
            return ControlReply.error("\(request.command) failed: \(error)")
        }
    }

    static func alertRecord(_ record: StoredAlert) -> Wire.AlertRecord {
        alertRecord(record.alert)
    }

    /// The wire form of an alert, with its episode (an episode of one when it has none).
    static func alertRecord(_ alert: NewAlert) -> Wire.AlertRecord {
        Wire.AlertRecord(
            stream: alert.stream, ts: alert.vectorTime, receivedAt: alert.receiveTime, detector: alert.detector,
            score: alert.anomalyScore, threshold: alert.threshold, severity: alert.severity,
            modelVersion: alert.modelVersion,
            topFeatures: alert.topFeatures.map { Wire.FeatureContribution(index: $0.feature, share: $0.share) },
            episodeCount: alert.episodeCount, lastTs: alert.episode?.lastVectorTime ?? alert.vectorTime,
            lastReceivedAt: alert.episode?.lastReceiveTime ?? alert.receiveTime,
            maxScore: alert.episode?.maxScore ?? alert.anomalyScore,
            maxSeverity: alert.episode?.maxSeverity ?? alert.severity)
    }

    /// Answers the `retrain --wait` requests whose runs have all finished (or timed out).
    func answerWaits(now: Double) {
        guard !pendingWaits.isEmpty else { return }
        var still: [PendingWait] = []
        for wait in pendingWaits {
            let done = wait.streams.allSatisfy { (completedRequests[$0] ?? 0) >= wait.requestID || streams[$0] == nil }
            guard done || now >= wait.deadline else {
                still.append(wait)
                continue
            }
            var results: [RetrainResult] = []
            for name in wait.streams {
                for run in (lastRuns[name] ?? [:]).values.sorted(by: { $0.detector < $1.detector }) {
                    results.append(
                        RetrainResult(
                            stream: name, detector: run.detector, outcome: run.outcome == "ok" ? "trained" : run.outcome,
                            reason: run.reason, modelVersion: run.modelVersion, validationLoss: run.validationLoss,
                            finished: run.finished))
                }
            }
            var frames = wait.envelope
            if done {
                frames.append((try? ControlReply.encode(RetrainReply(runs: results))) ?? ControlReply.error("encoding failed"))
            } else {
                frames.append(ControlReply.error("retrain still running after \(Int(Self.maximumWait)) s"))
            }
            sendControl(frames)
        }
        pendingWaits = still
    }
}
