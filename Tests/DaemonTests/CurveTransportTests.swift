import AECTLKit
import Daemon
import Foundation
import Testing
import Wire
import ZeroMQ

/// Keys for a CURVE daemon in a temporary folder: the server's pair, an authorized publisher
/// (in a folder of key files, its secret `.key` beside its `.pub`), an authorized operator.
struct CurveFixture {
    let folder: String
    let server: CurveKeyPair
    let publisher: CurveKeyPair
    let operatorKeys: CurveKeyPair

    init() throws {
        folder = NSTemporaryDirectory() + "aed-curve-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/publishers", withIntermediateDirectories: true)
        server = try CurveKeyPair.generate()
        publisher = try CurveKeyPair.generate()
        operatorKeys = try CurveKeyPair.generate()
        try CurveKeyFile.write(server, prefix: folder + "/server")
        try CurveKeyFile.write(publisher, prefix: folder + "/publishers/publisher-1")
        try CurveKeyFile.write(operatorKeys, prefix: folder + "/operator")
    }

    /// The `[daemon]` keys of a daemon with CURVE on tcp ingest and control.
    var daemonTOML: String {
        """
        [daemon]
        curve_secret_key_file = "\(folder)/server.key"
        ingest_authorized_keys = "\(folder)/publishers"
        control_authorized_keys = "\(folder)/operator.pub"
        """
    }

    var publisherCredentials: CurveClientCredentials { CurveClientCredentials(keys: publisher, serverKey: server.publicKey) }
    var operatorCredentials: CurveClientCredentials { CurveClientCredentials(keys: operatorKeys, serverKey: server.publicKey) }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// CURVE on tcp loopback: who delivers, who is refused and counted, and aectl over CURVE control.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CurveTransportTests {
    @Test func anAuthorizedPublisherScoresAsBefore() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let harness = try DaemonHarness(
            toml: smallModelTOML(extra: keys.daemonTOML), controlCurve: keys.operatorCredentials)
        defer { harness.removeState() }
        try harness.publish(stream: "web-1", values: demoVectors(count: 600, seed: 1), dimension: 12, curve: keys.publisherCredentials)
        try harness.waitForStatus(timeout: 120) { $0.streams.first?.state == .scoring }
        try harness.publish(stream: "web-1", values: demoVectors(count: 50, seed: 2), dimension: 12, curve: keys.publisherCredentials)
        let status = try harness.waitForStatus { ($0.streams.first?.scored ?? 0) >= 50 }
        #expect(status.streams.first?.received == 650)
        let curve = try #require(try harness.document().daemon.curve)
        #expect(curve.ingest && curve.control)
        #expect(curve.serverKey == keys.server.publicKey)
        #expect(curve.ingestKeys == 1 && curve.controlKeys == 1)
        #expect(curve.refusedTotal == 0)
    }

    /// A client the daemon must refuse: its credentials (nil = plaintext) and the reason counted.
    enum Intruder: String, CaseIterable {
        case unknownKey = "unauthorized-key"
        case wrongServerKey = "wrong-server-key"
        case plaintext = "mechanism-mismatch"

        /// The reasons its refusal may be counted under: a plaintext client that sees the
        /// mismatch first hangs up, and aed's greeting then meets a closed connection (EPIPE).
        var reasons: [String] { self == .plaintext ? [rawValue, "handshake-error"] : [rawValue] }

        func credentials(_ keys: CurveFixture) throws -> CurveClientCredentials? {
            switch self {
            case .unknownKey: CurveClientCredentials(keys: try CurveKeyPair.generate(), serverKey: keys.server.publicKey)
            case .wrongServerKey: CurveClientCredentials(keys: keys.publisher, serverKey: try CurveKeyPair.generate().publicKey)
            case .plaintext: nil
            }
        }
    }

    @Test(arguments: Intruder.allCases)
    func aRefusedPublisherDeliversNothingAndIsCounted(intruder: Intruder) throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let harness = try DaemonHarness(
            toml: smallModelTOML(extra: keys.daemonTOML), controlCurve: keys.operatorCredentials)
        defer { harness.removeState() }

        // The intruder sends for as long as it takes the daemon to count its refused handshake.
        let context = try Context()
        let socket = try context.socket(.pub, lingerMilliseconds: 0)
        defer { socket.close() }
        if let credentials = try intruder.credentials(keys) { try socket.makeCurveClient(credentials) }
        try socket.connect(harness.endpoints.ingest[0])
        let payload = Array(#"{"values": [1,2,3,4,5,6,7,8,9,10,11,12]}"#.utf8)
        let deadline = Date().addingTimeInterval(30)
        var refused = 0
        while refused == 0 {
            _ = try socket.sendMultipart([Array("intruder".utf8), payload], dontWait: true)
            let counts = try harness.document().daemon.curve?.ingestRefused ?? [:]
            refused = intruder.reasons.reduce(0) { $0 + (counts[$1] ?? 0) }
            if Date() > deadline { throw HarnessError("no \(intruder.rawValue) refusal counted within 30 s") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(refused >= 1)

        // An authorized marker arrives through the same SUB socket; the intruder's stream never does.
        try harness.publish(stream: "marker", values: demoVectors(count: 5, seed: 3), dimension: 12, curve: keys.publisherCredentials)
        let status = try harness.waitForStatus { $0.streams.contains { $0.name == "marker" && $0.received == 5 } }
        #expect(status.streams.map(\.name) == ["marker"])
        #expect(status.ingest.received == 5)
        let curve = try #require(try harness.document().daemon.curve)
        #expect(curve.lastRefused?.side == "ingest")
        #expect(curve.controlRefused.isEmpty)
        if intruder == .unknownKey { #expect(curve.lastRefused?.clientKey != nil) }
    }

    @Test func aReloadAuthorizesANewPublisherKey() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let toml = smallModelTOML(extra: keys.daemonTOML)
        let harness = try DaemonHarness(toml: toml, controlCurve: keys.operatorCredentials)
        defer { harness.removeState() }
        let newcomer = try CurveKeyPair.generate()
        let credentials = CurveClientCredentials(keys: newcomer, serverKey: keys.server.publicKey)
        #expect(throws: PublishError.self) {
            var options = PublishOptions(endpoint: harness.endpoints.ingest[0], stream: "web-2", waitSeconds: 1)
            options.curve = credentials
            _ = try Publisher.publish(values: demoVectors(count: 5, seed: 5), dimension: 12, options: options)
        }
        // Its .pub joins the folder; SIGHUP (here: the reload request it leads to) reads it.
        try CurveKeyFile.write(newcomer, prefix: keys.folder + "/publishers/web-2")
        var reloaded = try DaemonConfiguration.parse(toml: toml)
        reloaded.daemon.stateDirectory = harness.stateDirectory
        harness.daemon.requestReload(reloaded)
        try harness.waitForStatus { _ in (try? harness.document().daemon.curve?.ingestKeys) == 2 }
        try harness.publish(stream: "web-2", values: demoVectors(count: 5, seed: 5), dimension: 12, curve: credentials)
        try harness.waitForStatus { $0.streams.contains { $0.name == "web-2" && $0.received == 5 } }
    }

    @Test func aedIsTheCurveServerOnTheEndpointsItConnectsToo() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let endpoint = "tcp://127.0.0.1:\(freeTCPPort())"
        let harness = try DaemonHarness(
            toml: smallModelTOML(extra: keys.daemonTOML + "\nconnect = [\"\(endpoint)\"]"), controlCurve: keys.operatorCredentials)
        defer { harness.removeState() }
        var options = PublishOptions(endpoint: endpoint, stream: "bound", bind: true)
        options.curve = keys.publisherCredentials
        _ = try Publisher.publish(values: demoVectors(count: 20, seed: 6), dimension: 12, options: options)
        try harness.waitForStatus { $0.streams.first { $0.name == "bound" }?.received == 20 }
        // A binding publisher with a key aed does not list finds no subscriber, and is counted.
        options.curve = CurveClientCredentials(keys: try CurveKeyPair.generate(), serverKey: keys.server.publicKey)
        options.waitSeconds = 1.5
        #expect(throws: PublishError.self) {
            _ = try Publisher.publish(values: demoVectors(count: 20, seed: 7), dimension: 12, options: options)
        }
        try harness.waitForStatus { _ in (try? harness.document().daemon.curve?.ingestRefused["unauthorized-key"] ?? 0) ?? 0 >= 1 }
        #expect(try harness.client.status().streams.map(\.name) == ["bound"])
    }

    @Test func ipcIngestStaysPlaintextBesideCurveTcp() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let ipc = "ipc://\(keys.folder)/ingest.sock"
        let harness = try DaemonHarness(
            toml: smallModelTOML(extra: keys.daemonTOML), controlCurve: keys.operatorCredentials, extraIngest: [ipc])
        defer { harness.removeState() }
        #expect(harness.endpoints.ingest.count == 2)
        _ = try Publisher.publish(
            values: demoVectors(count: 10, seed: 8), dimension: 12, options: PublishOptions(endpoint: ipc, stream: "local"))
        try harness.publish(stream: "remote", values: demoVectors(count: 10, seed: 9), dimension: 12, curve: keys.publisherCredentials)
        let status = try harness.waitForStatus { $0.streams.map(\.received) == [10, 10] }
        #expect(status.streams.map(\.name) == ["local", "remote"])
    }

    @Test func aPublisherWithoutTheRightKeysIsToldSoByAectlPublish() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let harness = try DaemonHarness(toml: smallModelTOML(extra: keys.daemonTOML), controlCurve: keys.operatorCredentials)
        defer { harness.removeState() }
        let options = PublishOptions(endpoint: harness.endpoints.ingest[0], stream: "web-1", waitSeconds: 1)
        #expect {
            _ = try Publisher.publish(values: demoVectors(count: 5, seed: 4), dimension: 12, options: options)
        } throws: { error in
            guard case .noSubscriber = error as? PublishError else { return false }
            return "\(error)".contains("--curve-server-key")
        }
    }

    @Test func aectlWorksOverCurveControlAndFailsClearlyWithoutTheRightKeys() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let harness = try DaemonHarness(toml: smallModelTOML(extra: keys.daemonTOML), controlCurve: keys.operatorCredentials)
        defer { harness.removeState() }
        let control = harness.endpoints.control
        #expect(control.hasPrefix("tcp://"))

        // aectl status, as the command line runs it: options, then environment.
        var status = try AECTL.parseAsRoot([
            "status", "--json", "--control", control, "--curve-server-key", keys.folder + "/server.pub",
            "--curve-key", keys.folder + "/operator.key",
        ])
        try status.run()
        let fromEnvironment = try ControlOptions.parse(["--control", control]).curve.credentials(environment: [
            CurveOptions.serverKeyVariable: keys.server.publicKey, CurveOptions.keyFileVariable: keys.folder + "/operator.key",
        ])
        #expect(fromEnvironment == keys.operatorCredentials)
        #expect(try ControlClient(endpoint: control, curve: fromEnvironment).status().daemon.curve?.control == true)

        // Without keys, and with a key aed does not know: a timeout that names the CURVE options,
        // and the refusal counted on the control side.
        var plain = try AECTL.parseAsRoot(["status", "--control", control, "--timeout", "1"])
        #expect {
            try plain.run()
        } throws: { error in
            "\(error)".contains("no reply from aed") && "\(error)".contains("--curve-key")
        }
        // A plaintext REQ sees the mismatch first and hangs up, so aed counts a mechanism mismatch
        // or, when its own greeting meets the closed connection, a handshake error (EPIPE).
        try harness.waitForStatus { _ in
            let refused = (try? harness.document().daemon.curve?.controlRefused) ?? [:]
            return (refused["mechanism-mismatch"] ?? 0) + (refused["handshake-error"] ?? 0) >= 1
        }
        let stranger = try CurveKeyFile.write(try CurveKeyPair.generate(), prefix: keys.folder + "/stranger")
        var unknown = try AECTL.parseAsRoot([
            "status", "--control", control, "--timeout", "1", "--curve-server-key", keys.server.publicKey,
            "--curve-key", stranger.secret,
        ])
        #expect(throws: CommandFailure.self) { try unknown.run() }
        try harness.waitForStatus { _ in
            (try? harness.document().daemon.curve?.controlRefused["unauthorized-key"] ?? 0) ?? 0 >= 1
        }
        // Half the options is an error before anything is sent.
        var half = try AECTL.parseAsRoot(["status", "--control", control, "--curve-key", keys.folder + "/operator.key"])
        #expect {
            try half.run()
        } throws: { error in
            "\(error)".contains("--curve-server-key")
        }
    }
}

/// The configuration of CURVE: key files, and the refusal of a plaintext tcp control endpoint.
@Suite struct CurveConfigurationTests {
    @Test func aTcpControlEndpointWithoutCurveIsRefusedUnlessAllowedExplicitly() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let refused = try DaemonConfiguration.parse(toml: "[daemon]\ncontrol = \"tcp://127.0.0.1:7700\"\n")
        #expect {
            try refused.daemon.checkControlTransport()
        } throws: { error in
            guard case .invalidValue(let key, _, let reason) = error as? ConfigurationError else { return false }
            return key == "daemon.control" && reason.contains("control_allow_plaintext_tcp") && reason.contains("loopback")
        }
        // Loopback is no exception: any local user can reach it.
        let allowed = try DaemonConfiguration.parse(
            toml: "[daemon]\ncontrol = \"tcp://127.0.0.1:7700\"\ncontrol_allow_plaintext_tcp = true\n")
        try allowed.daemon.checkControlTransport()
        try DaemonConfiguration.parse(toml: "[daemon]\ncontrol = \"ipc://./state/control.sock\"\n").daemon.checkControlTransport()
        var curved = try DaemonConfiguration.parse(toml: keys.daemonTOML)
        curved.daemon.controlEndpoint = "tcp://127.0.0.1:7700"
        try curved.daemon.checkControlTransport()
        // A command-line --control tcp endpoint is refused the same way.
        let overridden = try DaemonConfiguration().applying(ConfigurationOverrides(controlEndpoint: "tcp://0.0.0.0:7700"))
        #expect(throws: ConfigurationError.self) { try overridden.daemon.checkControlTransport() }
    }

    @Test func theDaemonRefusesToStartWithPlaintextTcpControl() throws {
        var configuration = DaemonConfiguration()
        configuration.daemon.stateDirectory = NSTemporaryDirectory() + "aed-test-\(UUID().uuidString)"
        configuration.daemon.controlEndpoint = "tcp://127.0.0.1:*"
        configuration.daemon.ingestBinds = ["tcp://127.0.0.1:*"]
        let daemon = AnomalyDaemon(configuration: configuration, logger: .init(label: "test"), notifier: SystemdNotifier(environment: [:]))
        #expect(throws: ConfigurationError.self) { try daemon.start() }
        #expect(!FileManager.default.fileExists(atPath: configuration.daemon.stateDirectory))
    }

    @Test func keyFilesAreReadAndBadOnesNamed() throws {
        let keys = try CurveFixture()
        defer { keys.remove() }
        let curve = try #require(try DaemonConfiguration.parse(toml: keys.daemonTOML).daemon.curve)
        #expect(curve.serverKeys == keys.server)
        #expect(curve.ingestKeys == [keys.publisher.publicKey])  // the folder's .key file is not read
        #expect(curve.controlKeys == [keys.operatorKeys.publicKey])

        try "# two publishers\n\(keys.publisher.publicKey)\nnot-a-key\n".write(
            toFile: keys.folder + "/list.pub", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: keys.folder + "/empty", withIntermediateDirectories: true)
        let cases: [(toml: String, key: String, says: String)] = [
            ("curve_secret_key_file = \"\(keys.folder)/missing.key\"\ningest_authorized_keys = \"\(keys.folder)/publishers\"",
             "daemon.curve_secret_key_file", "cannot read key file"),
            ("curve_secret_key_file = \"\(keys.folder)/server.pub\"\ningest_authorized_keys = \"\(keys.folder)/publishers\"",
             "daemon.curve_secret_key_file", "holds a public key"),
            ("curve_secret_key_file = \"\(keys.folder)/server.key\"\ningest_authorized_keys = \"\(keys.folder)/list.pub\"",
             "daemon.ingest_authorized_keys", "list.pub:3: not a Z85 CURVE key"),
            ("curve_secret_key_file = \"\(keys.folder)/server.key\"\ncontrol_authorized_keys = \"\(keys.folder)/empty\"",
             "daemon.control_authorized_keys", "holds no public keys"),
            ("curve_secret_key_file = \"\(keys.folder)/server.key\"\ningest_authorized_keys = \"\(keys.folder)/nowhere\"",
             "daemon.ingest_authorized_keys", "no such file or folder"),
            ("ingest_authorized_keys = \"\(keys.folder)/publishers\"", "daemon.ingest_authorized_keys", "needs daemon.curve_secret_key_file"),
            ("curve_secret_key_file = \"\(keys.folder)/server.key\"", "daemon.curve_secret_key_file", "name the clients"),
        ]
        for item in cases {
            #expect {
                _ = try DaemonConfiguration.parse(toml: "[daemon]\n\(item.toml)\n")
            } throws: { error in
                guard case .invalidValue(let key, _, let reason) = error as? ConfigurationError else { return false }
                return key == item.key && reason.contains(item.says)
            }
        }
    }
}
