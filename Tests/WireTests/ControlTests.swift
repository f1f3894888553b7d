import Alerts
import Foundation
import Testing
import ZeroMQ
@testable import Wire

@Suite("Control protocol")
struct ControlTests {
    @Test(arguments: [
        ControlRequest.status,
        .retrain(streams: ["s1", "s2"], wait: true),
        .retrain(streams: [], wait: false),
        .alerts(stream: "s1", since: 0, limit: 100),
        .alerts(stream: nil, since: nil, limit: nil),
    ])
    func requestsRoundTrip(request: ControlRequest) throws {
        #expect(try ControlRequest.decode(request.encoded()) == request)
    }

    @Test func requestsMatchTheContractText() throws {
        #expect(try ControlRequest.decode(Array(#"{"cmd": "status"}"#.utf8)) == .status)
        #expect(try ControlRequest.decode(Array(#"{"cmd": "retrain", "streams": ["s1"]}"#.utf8)) == .retrain(streams: ["s1"], wait: false))
        #expect(try ControlRequest.decode(Array(#"{"cmd": "alerts", "stream": "s1", "since": 0, "limit": 100}"#.utf8))
            == .alerts(stream: "s1", since: 0, limit: 100))
        #expect(String(decoding: ControlRequest.status.encoded(), as: UTF8.self) == #"{"cmd":"status"}"#)
    }

    @Test(arguments: [
        (#"not json"#, "not valid JSON"),
        (#"{"streams": []}"#, "missing \"cmd\""),
        (#"{"cmd": "explode"}"#, "unknown cmd"),
        (#"{"cmd": "alerts", "limit": "ten"}"#, "limit must be an integer between 1 and 100000"),
        (#"{"cmd": "retrain", "streams": "s1"}"#, "wrong type for \"streams\""),
        (#"{"cmd": "alerts", "limit": -1}"#, "limit must be an integer between 1 and 100000"),
        (#"{"cmd": "alerts", "limit": 0}"#, "limit must be an integer between 1 and 100000"),
        (#"{"cmd": "alerts", "limit": 1e300}"#, "limit must be an integer between 1 and 100000"),
        (#"{"cmd": "alerts", "limit": 100001}"#, "limit must be an integer between 1 and 100000"),
        (#"{"cmd": "alerts", "limit": 2.5}"#, "limit must be an integer between 1 and 100000"),
        (#"{"cmd": "alerts", "since": "yesterday"}"#, "since must be a number"),
        (#"{"cmd": null}"#, "cmd must be a string: status, retrain or alerts"),
        (#"{"cmd": 7}"#, "cmd must be a string: status, retrain or alerts"),
        (#"null"#, "request must be a JSON object"),
        (#"[1]"#, "request must be a JSON object"),
    ])
    func badRequestsSayWhatIsWrong(text: String, expected: String) {
        let error = #expect(throws: ControlProtocolError.self) { try ControlRequest.decode(Array(text.utf8)) }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        // Never a raw Swift error dump.
        #expect(error?.description.contains("DecodingError") == false && error?.description.contains("Context(") == false)
    }

    @Test func limitBoundsAndNullsAreAccepted() throws {
        #expect(try ControlRequest.decode(Array(#"{"cmd":"alerts","limit":100000,"since":null}"#.utf8)) == .alerts(stream: nil, since: nil, limit: 100_000))
        #expect(try ControlRequest.decode(Array(#"{"cmd":"alerts","limit":1.0,"since":1e9}"#.utf8)) == .alerts(stream: nil, since: 1e9, limit: 1))
        #expect(try ControlRequest.decode(Array(#"{"cmd":"alerts","limit":null}"#.utf8)) == .alerts(stream: nil, since: nil, limit: nil))
    }

    @Test func repliesCarryOkOrError() throws {
        let alert = Alert(stream: "s1", vectorTime: 1.5, receiveTime: 2.5, detector: "ae", anomalyScore: 3, threshold: 1.5,
                          modelVersion: 4, topFeatures: [FeatureContribution(feature: 7, share: 0.75)])
        let frame = try ControlReply.encode(AlertsReply(alerts: [alert]))
        let text = String(decoding: frame, as: UTF8.self)
        #expect(text.contains(#""ok":true"#))
        #expect(text.contains(#""topFeatures":[{"index":7,"share":0.75}]"#))
        #expect(try ControlReply.decode(AlertsReply.self, from: frame).alerts == [alert])
        // Episode fields are additive: absent keys decode as nil, present ones round-trip.
        #expect(!text.contains("episodeCount"))
        var episode = alert
        episode.episode = AlertEpisode(count: 12, lastVectorTime: 9.5, lastReceiveTime: 10, maxScore: 7, maxSeverity: 4.5)
        let grown = try ControlReply.encode(AlertsReply(alerts: [episode]))
        #expect(String(decoding: grown, as: UTF8.self).contains(#""episodeCount":12"#))
        #expect(try ControlReply.decode(AlertsReply.self, from: grown).alerts == [episode])

        let failure = ControlReply.error("unknown stream \"x\"")
        #expect(String(decoding: failure, as: UTF8.self) == #"{"error":"unknown stream \"x\"","ok":false}"#)
        #expect(throws: ControlProtocolError.daemon("unknown stream \"x\"")) { try ControlReply.decode(AlertsReply.self, from: failure) }
        #expect(throws: ControlProtocolError.self) { try ControlReply.decode(StatusReply.self, from: Array("garbage".utf8)) }
    }

    @Test func statusReplyRoundTrips() throws {
        let status = StatusReply(
            daemon: DaemonStatus(version: "0.1.0", uptimeSeconds: 12.5, pid: 42,
                                 endpoints: EndpointsStatus(ingest: ["tcp://127.0.0.1:5557"], control: "ipc://./state/control.sock")),
            ingest: IngestStatus(received: 10, scored: 8, rejected: ["dim": 2]),
            streams: [StreamStatus(name: "s1", dimension: 38, state: .scoring, received: 10, scored: 8,
                                   rejected: ["dim": 2], gaps: 1, alerts: 3, bufferSize: 100,
                                   models: [ModelStatus(detector: "vae", version: 2, created: 1e9, trainLoss: 0.5, validationLoss: 0.6,
                                                        threshold: ThresholdStatus(value: 3.2, method: "pot", targetFalsePositiveRate: 0.001))],
                                   lastTrainingRun: TrainingRunStatus(outcome: "trained", finished: 1e9))])
        #expect(try ControlReply.decode(StatusReply.self, from: ControlReply.encode(status)) == status)
        // An older daemon's reply has no blasKernel key and still decodes.
        #expect(!String(decoding: try ControlReply.encode(status), as: UTF8.self).contains("blasKernel"))
        var withKernel = status
        withKernel.daemon.blasKernel = "OpenBLAS 0.3.21 kernel SkylakeX, Intel(R) Xeon(R) Processor (kept SkylakeX)"
        #expect(try ControlReply.decode(StatusReply.self, from: ControlReply.encode(withKernel)) == withKernel)
    }

    @Test func endpointResolutionOrder() {
        let none: (String) -> Bool = { _ in false }
        let service: (String) -> Bool = { $0 == ControlEndpoint.servicePath }
        #expect(ControlEndpoint.resolve(explicit: "tcp://h:1", environment: ["AED_CONTROL": "ipc://e"], fileExists: service) == "tcp://h:1")
        #expect(ControlEndpoint.resolve(explicit: nil, environment: ["AED_CONTROL": "ipc://e", "AED_STATE_DIR": "/s"], fileExists: service) == "ipc://e")
        #expect(ControlEndpoint.resolve(explicit: nil, environment: ["AED_STATE_DIR": "/var/lib/aed/"], fileExists: service) == "ipc:///var/lib/aed/control.sock")
        #expect(ControlEndpoint.resolve(explicit: nil, environment: [:], fileExists: service) == "ipc:///run/aed/control.sock")
        #expect(ControlEndpoint.resolve(explicit: nil, environment: [:], fileExists: none) == "ipc://./state/control.sock")
    }

    @Test func clientTimesOutWhenNoDaemonAnswers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A REP that receives but never answers, and no listener at all.
        let context = try Context()
        let silent = try context.socket(.rep, lingerMilliseconds: 0)
        let endpoint = try silent.bind("tcp://127.0.0.1:*")
        for target in [endpoint, "ipc://\(folder.path)/nobody.sock"] {
            let client = try ControlClient(endpoint: target, timeoutMilliseconds: 150)
            let error = #expect(throws: ControlProtocolError.self) { try client.status() }
            #expect(error == .timeout(endpoint: target, milliseconds: 150))
            // A fresh socket per request: the next request is not wedged by the lost reply.
            #expect(throws: ControlProtocolError.timeout(endpoint: target, milliseconds: 150)) { try client.status() }
        }
    }

    @Test func clientTalksToAReplyingServer() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint = "ipc://\(folder.path)/control.sock"
        let context = try Context()
        let done = DispatchSemaphore(value: 0)
        let server = Thread {
            defer { done.signal() }
            guard let rep = try? context.socket(.rep, lingerMilliseconds: 0) else { return }
            guard (try? rep.set(.receiveTimeout(milliseconds: 10_000))) != nil, (try? rep.bind(endpoint)) != nil else { return }
            for _ in 0..<2 {
                guard let frame = (try? rep.receiveFrame()) ?? nil else { return }
                let reply: [UInt8]
                switch try? ControlRequest.decode(frame) {
                case .alerts(let stream, _, let limit)?:
                    reply = (try? ControlReply.encode(AlertsReply(alerts: [Alert(
                        stream: stream ?? "?", vectorTime: 1, receiveTime: 2, detector: "ae", anomalyScore: Double(limit ?? 0),
                        threshold: 1, modelVersion: 1, topFeatures: [])]))) ?? []
                default:
                    reply = ControlReply.error("unsupported")
                }
                _ = try? rep.send(reply)
            }
        }
        server.start()
        let client = try ControlClient(endpoint: endpoint, timeoutMilliseconds: 10_000)
        let alerts = try client.alerts(stream: "s9", since: 0, limit: 5)
        #expect(alerts.alerts.first?.stream == "s9")
        #expect(alerts.alerts.first?.anomalyScore == 5)
        #expect(throws: ControlProtocolError.daemon("unsupported")) { try client.status() }
        #expect(done.wait(timeout: .now() + 15) == .success)
    }
}
