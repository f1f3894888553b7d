import AECTLKit
import Foundation
import Testing
import Wire
import ZeroMQ

/// README *Scaling out*: three daemons with disjoint `topics` behind one forwarder
/// (`aectl proxy`: libzmq's zmq_proxy between XSUB and XPUB), 30 streams published to the
/// forwarder: each stream is scored by exactly one daemon, nothing is lost, and the merged
/// status adds up.
@Suite(.serialized, .timeLimit(.minutes(10))) struct ScaleOutTests {
    static let prefixes = ["a.", "b.", "c."]
    static let streamsPerDaemon = 10
    static let training = 600
    static let scored = 50

    @Test func threeDaemonsBehindAProxyEachScoreOnlyTheirStreams() throws {
        let proxy = try ForwardingProxy(frontend: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*")
        let endpoints = try proxy.start()
        defer { proxy.stop() }
        let daemons = try Self.prefixes.map { prefix in
            try DaemonHarness(toml: """
                [daemon]
                connect = ["\(endpoints.backend)"]
                topics = ["\(prefix)"]
                [defaults]
                detectors = ["pca"]
                min_samples = \(Self.training)
                retrain_interval = "0"
                target_false_positive_rate = 0.02
                """)
        }
        defer { for daemon in daemons { daemon.removeState() } }
        let names = Self.prefixes.flatMap { prefix in (0..<Self.streamsPerDaemon).map { "\(prefix)stream-\($0)" } }

        // Each publisher connects to the forwarder and waits for a subscription covering its
        // stream: the owning daemon's, passed up through the proxy.
        func publish(_ count: Int, seed: UInt64) throws {
            for (index, name) in names.enumerated() {
                let options = PublishOptions(
                    endpoint: endpoints.frontend, stream: name, format: .binary, batch: 50, waitSeconds: 30)
                _ = try Publisher.publish(
                    values: demoVectors(count: count, seed: seed + UInt64(index)), dimension: 12, options: options)
            }
        }
        try publish(Self.training, seed: 100)
        for daemon in daemons {
            try daemon.waitForStatus {
                $0.streams.count == Self.streamsPerDaemon
                    && $0.streams.allSatisfy { $0.models.count == 1 && $0.state == .scoring }
            }
        }
        try publish(Self.scored, seed: 200)
        for daemon in daemons {
            try daemon.waitForStatus { $0.streams.allSatisfy { $0.scored == Self.scored } }
        }

        for (daemon, prefix) in zip(daemons, Self.prefixes) {
            let status = try daemon.client.status()
            #expect(status.streams.map(\.name).sorted() == names.filter { $0.hasPrefix(prefix) }.sorted())
            for stream in status.streams {
                #expect(stream.received == Self.training + Self.scored, "\(stream.name) lost vectors")
                #expect(stream.rejected.isEmpty, "\(stream.name): \(stream.rejected)")
            }
        }

        // The merged view: every stream on exactly one daemon, the totals add up.
        let options = try ControlOptions.parse(["--control", daemons.map(\.endpoints.control).joined(separator: ",")])
        let answers = DaemonFleet.ask(.status, options: options)
        #expect(DaemonFleet.allAnswered(answers))
        let replies = try answers.map { try JSONDecoder().decode(StatusReply.self, from: Data($0.reply.get())) }
        let owners = replies.flatMap { $0.streams.map(\.name) }
        #expect(owners.sorted() == names.sorted(), "each stream on exactly one daemon")
        #expect(replies.map(\.ingest.received).reduce(0, +) == names.count * (Self.training + Self.scored))
        #expect(replies.map(\.ingest.scored).reduce(0, +) == names.count * Self.scored)
        let text = DaemonFleet.renderStatus(answers)
        #expect(!text.contains("NOT ANSWERING"), "\(text)")
        for daemon in daemons { #expect(text.contains("\(Self.streamsPerDaemon) stream(s): "), "\(daemon.endpoints.control)") }
        for daemon in daemons { daemon.stop() }
    }
}
