import Foundation
import Testing
@testable import ZeroMQ

/// The ZAP handler and the handshake events a CURVE server's monitor reports, over tcp loopback.
@Suite("ZAP handler", .serialized, .timeLimit(.minutes(10)))
struct ZAPHandlerTests {
    /// A CURVE PULL server with a ZAP handler allowing `authorized`, its monitor, and its endpoint.
    final class Server {
        let context: Context
        let keys: CurveKeyPair
        let handler: ZAPHandler
        let pull: Socket
        let monitor: Socket
        let endpoint: String

        init(authorized: Set<String>) throws {
            context = try Context()
            keys = try CurveKeyPair.generate()
            handler = ZAPHandler(context: context) { request in
                guard request.domain == "ingest", request.mechanism == "CURVE", let key = request.curvePublicKey,
                    authorized.contains(key)
                else { return .deny(reason: "unknown key") }
                return .allow(userID: key)
            }
            try handler.start()
            pull = try context.socket(.pull, lingerMilliseconds: 0)
            try pull.makeCurveServer(keys: keys)
            try pull.set(.zapDomain("ingest"))
            try pull.set(.zapEnforceDomain(true))
            try pull.set(.receiveTimeout(milliseconds: 5_000))
            let address = "inproc://monitor-\(UUID().uuidString)"
            try pull.monitor(at: address, events: .handshakeFailures)
            monitor = try context.socket(.pair, lingerMilliseconds: 0)
            try monitor.set(.receiveTimeout(milliseconds: 5_000))
            try monitor.connect(address)
            endpoint = try pull.bind("tcp://127.0.0.1:*")
        }

        func close() {
            pull.close()
            monitor.close()
            handler.stop()
        }
    }

    @Test func anAuthorizedClientDeliversAndTheDomainAndKeyReachTheHandler() throws {
        let client = try CurveKeyPair.generate()
        let server = try Server(authorized: [client.publicKey])
        defer { server.close() }
        let push = try server.context.socket(.push, lingerMilliseconds: 0)
        defer { push.close() }
        try push.makeCurveClient(CurveClientCredentials(keys: client, serverKey: server.keys.publicKey))
        try push.connect(server.endpoint)
        try push.send("hello")
        #expect(try server.pull.receiveFrame() == Array("hello".utf8))
    }

    @Test func anUnknownKeyIsRefusedByTheHandlerAndReportedAsAnAuthFailure() throws {
        let server = try Server(authorized: [])
        defer { server.close() }
        let push = try server.context.socket(.push, lingerMilliseconds: 0)
        defer { push.close() }
        try push.makeCurveClient(keys: try CurveKeyPair.generate(), serverKey: server.keys.publicKey)
        try push.connect(server.endpoint)
        _ = try push.send("hello", dontWait: true)
        let event = try #require(try server.monitor.receiveMonitorEvent())
        #expect(event.event == .handshakeFailedAuth)
        #expect(event.value == 400)
    }

    @Test func aWrongServerKeyIsReportedAsACryptographicProtocolFailure() throws {
        let server = try Server(authorized: [])
        defer { server.close() }
        let push = try server.context.socket(.push, lingerMilliseconds: 0)
        defer { push.close() }
        try push.makeCurveClient(keys: try CurveKeyPair.generate(), serverKey: try CurveKeyPair.generate().publicKey)
        try push.connect(server.endpoint)
        _ = try push.send("hello", dontWait: true)
        let event = try #require(try server.monitor.receiveMonitorEvent())
        #expect(event.event == .handshakeFailedProtocol)
        #expect(event.value == MonitorEvent.protocolErrorCryptographic)
    }

    @Test func aPlaintextClientIsReportedAsAMechanismMismatch() throws {
        let server = try Server(authorized: [])
        defer { server.close() }
        let push = try server.context.socket(.push, lingerMilliseconds: 0)
        defer { push.close() }
        try push.connect(server.endpoint)
        _ = try push.send("hello", dontWait: true)
        let event = try #require(try server.monitor.receiveMonitorEvent())
        #expect(event.event == .handshakeFailedProtocol)
        #expect(event.value == MonitorEvent.protocolErrorMechanismMismatch)
    }

    @Test func z85KeysRoundTripAndMalformedOnesAreRefused() throws {
        let keys = try CurveKeyPair.generate()
        let binary = try #require(CurveKeyPair.binaryKey(keys.publicKey))
        #expect(CurveKeyPair.z85Key(binary) == keys.publicKey)
        #expect(!CurveKeyPair.isValidKey("short"))
        #expect(!CurveKeyPair.isValidKey(String(repeating: "\"", count: 40)))
        #expect(try CurveKeyPair(secretKey: keys.secretKey) == keys)
    }

    @Test func keyFilesRoundTripWithAPrivateSecretFile() throws {
        let folder = NSTemporaryDirectory() + "aed-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keys = try CurveKeyPair.generate()
        let paths = try CurveKeyFile.write(keys, prefix: folder + "/publisher")
        let mode = try FileManager.default.attributesOfItem(atPath: paths.secret)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try CurveKeyFile.readKeyPair(path: paths.secret) == keys)
        #expect(try CurveKeyFile.readPublicKeys(path: paths.public) == [keys.publicKey])
        // A folder is read for its *.pub files only: the secret file beside it is not a public key.
        #expect(try CurveKeyFile.readPublicKeys(path: folder) == [keys.publicKey])
        #expect(throws: CurveKeyFileError.exists(path: paths.secret)) {
            try CurveKeyFile.write(keys, prefix: folder + "/publisher")
        }
        let bad = folder + "/bad.pub"
        try "# comment\n\nnot-a-key\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect {
            _ = try CurveKeyFile.readPublicKeys(path: bad)
        } throws: { error in
            guard case .malformed(let path, let line, _) = error as? CurveKeyFileError else { return false }
            return path == bad && line == 3
        }
    }
}
