import ArgumentParser
import Foundation
import ZeroMQ

/// CURVE options of aectl's clients (`status`, `retrain`, `alerts`, `publish`): aed's public
/// key and the client's own key pair (ZeroMQ RFC 26). They apply to `tcp://` endpoints only;
/// `ipc://` stays plaintext behind the socket file's permissions.
public struct CurveOptions: ParsableArguments {
    /// aed's public key, or a file holding it.
    @Option(
        name: .customLong("curve-server-key"),
        help: "aed's CURVE public key for a tcp endpoint: 40 Z85 characters, or a file holding it (default: $AED_CURVE_SERVER_KEY).")
    public var serverKey: String?

    /// The client's secret key file.
    @Option(
        name: .customLong("curve-key"),
        help: "Your CURVE secret key file, as `aectl keygen` writes it (NAME.key; default: $AED_CURVE_KEY).")
    public var keyFile: String?

    public init() {}

    /// The environment variable holding aed's public key (or a file with it).
    public static let serverKeyVariable = "AED_CURVE_SERVER_KEY"
    /// The environment variable holding the path of the client's secret key file.
    public static let keyFileVariable = "AED_CURVE_KEY"

    /// The credentials the options and `environment` give, nil when neither names a key.
    ///
    /// - Throws: `CommandFailure` when only one of the two is given, or a key or key file is
    ///   missing or malformed.
    public func credentials(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CurveClientCredentials? {
        let server = serverKey ?? environment[Self.serverKeyVariable].flatMap { $0.isEmpty ? nil : $0 }
        let file = keyFile ?? environment[Self.keyFileVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (server, file) {
        case (nil, nil):
            return nil
        case (nil, _):
            throw CommandFailure("--curve-key needs aed's public key too: --curve-server-key KEY|FILE or $\(Self.serverKeyVariable)")
        case (_, nil):
            throw CommandFailure("--curve-server-key needs your key pair too: --curve-key FILE or $\(Self.keyFileVariable) (aectl keygen writes one)")
        case (let server?, let file?):
            let keys: CurveKeyPair
            do {
                keys = try CurveKeyFile.readKeyPair(path: file)
            } catch {
                throw CommandFailure("--curve-key: \(error)")
            }
            return CurveClientCredentials(keys: keys, serverKey: try Self.publicKey(server))
        }
    }

    /// A Z85 public key given inline or in a file (exactly one key).
    static func publicKey(_ value: String) throws -> String {
        if CurveKeyPair.isValidKey(value) { return value }
        guard FileManager.default.fileExists(atPath: value) else {
            throw CommandFailure(
                "--curve-server-key: \"\(value)\" is neither a Z85 key (40 characters) nor an existing file")
        }
        let keys: [String]
        do {
            keys = try CurveKeyFile.readPublicKeys(path: value)
        } catch {
            throw CommandFailure("--curve-server-key: \(error)")
        }
        guard keys.count == 1, let key = keys.first else {
            throw CommandFailure("--curve-server-key: \(value) holds \(keys.count) keys; expected exactly one")
        }
        return key
    }
}
