import ArgumentParser
import Foundation
import Testing
import Wire

@testable import AECTLKit

@Suite struct KeygenCommandTests {
    @Test func writesAPrivateSecretFileAndAReadablePublicFileAndRefusesToOverwrite() throws {
        let folder = NSTemporaryDirectory() + "aectl-keygen-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var command = try AECTL.parseAsRoot(["keygen", folder + "/publisher-1"])
        try command.run()
        let attributes = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        #expect(try attributes(folder + "/publisher-1.key") == 0o600)
        #expect(try attributes(folder + "/publisher-1.pub") == 0o644)
        // The pair reads back as aectl's --curve-key and --curve-server-key read it.
        let options = try CurveOptions.parse([
            "--curve-server-key", folder + "/publisher-1.pub", "--curve-key", folder + "/publisher-1.key",
        ])
        let credentials = try #require(try options.credentials(environment: [:]))
        #expect(credentials.serverKey == credentials.keys.publicKey)

        var again = try AECTL.parseAsRoot(["keygen", folder + "/publisher-1"])
        #expect {
            try again.run()
        } throws: { error in
            "\(error)".contains("exists") && "\(error)".contains("--force")
        }
        var forced = try AECTL.parseAsRoot(["keygen", "--force", folder + "/publisher-1"])
        try forced.run()
        #expect(try CurveOptions.publicKey(folder + "/publisher-1.pub") != credentials.keys.publicKey)
    }

    @Test func curveOptionsNeedBothKeysAndNameWhatIsWrong() throws {
        #expect(try CurveOptions.parse([]).credentials(environment: [:]) == nil)
        let options = try CurveOptions.parse(["--curve-server-key", "not-a-key"])
        #expect {
            _ = try options.credentials(environment: [CurveOptions.keyFileVariable: "/nonexistent.key"])
        } throws: { error in
            "\(error)".contains("--curve-key") && "\(error)".contains("cannot read key file")
        }
        #expect {
            _ = try options.credentials(environment: [:])
        } throws: { error in
            "\(error)".contains("--curve-key FILE")
        }
    }

    @Test func statusShowsCurveAndRefusedHandshakesAndOlderRepliesDecode() throws {
        let older = #"{"ok":true,"daemon":{"version":"0.1.0","uptimeSeconds":1,"pid":1,"endpoints":{"ingest":[],"connect":[],"control":"ipc:///x"}},"ingest":{"received":0,"scored":0,"rejected":{}},"streams":[]}"#
        let decoded = try ControlReply.decode(StatusReply.self, from: Array(older.utf8))
        #expect(decoded.daemon.curve == nil)
        var reply = decoded
        reply.daemon.curve = CurveStatus(
            serverKey: "k", ingest: true, control: false, ingestKeys: 2, ingestRefused: ["unauthorized-key": 3],
            lastRefused: RefusedHandshakeStatus(
                side: "ingest", reason: "unauthorized-key", endpoint: "tcp://0.0.0.0:7600", time: 90, clientKey: "abc",
                clientAddress: "10.0.0.9"))
        let text = StatusTable.render(reply, now: 100)
        #expect(text.contains("curve: ingest on (2 keys), control off; refused 3 handshakes (ingest: unauthorized-key 3)"), "\(text)")
        #expect(text.contains("key abc from 10.0.0.9"))
    }
}
