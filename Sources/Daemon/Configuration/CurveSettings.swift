import Foundation
import ZeroMQ

/// CURVE on aed's tcp endpoints (ZeroMQ RFC 26: encryption and client authentication), read
/// from `[daemon]`: the server's key pair and, per side, the public keys of the clients it
/// accepts. A ZAP handler inside aed (RFC 27) checks each client's key during the handshake.
///
/// CURVE covers tcp only: a side with authorized keys makes every tcp endpoint of that side
/// (ingest binds and connects, or the control endpoint) a CURVE server; `ipc://` endpoints stay
/// plaintext and rely on the socket file's permissions.
public struct CurveSettings: Sendable, Equatable {
    /// `curve_secret_key_file`: the file holding the server's Z85 secret key (`aectl keygen`'s `.key`).
    public var secretKeyFile: String
    /// The server's key pair (the public key derived from the secret one); clients need the public key.
    public var serverKeys: CurveKeyPair
    /// `ingest_authorized_keys`: the publishers' public keys (a file or a folder of `*.pub`
    /// files), nil when tcp ingest stays plaintext.
    public var ingestKeysPath: String?
    /// The publishers' public keys, Z85.
    public var ingestKeys: Set<String> = []
    /// `control_authorized_keys`: the public keys of `aectl` users (file or folder), nil when
    /// there is no CURVE on the control endpoint.
    public var controlKeysPath: String?
    /// The `aectl` users' public keys, Z85.
    public var controlKeys: Set<String> = []

    /// Whether tcp ingest endpoints use CURVE.
    public var ingest: Bool { ingestKeysPath != nil }
    /// Whether a tcp control endpoint uses CURVE.
    public var control: Bool { controlKeysPath != nil }

    /// The ZAP domain of the ingest sockets (`ZMQ_ZAP_DOMAIN`).
    static let ingestDomain = "aed-ingest"
    /// The ZAP domain of the control socket.
    static let controlDomain = "aed-control"

    /// Whether `key` may complete a handshake in ZAP `domain` (the handler's decision).
    func authorizes(_ key: String, domain: String) -> Bool {
        switch domain {
        case Self.ingestDomain: ingestKeys.contains(key)
        case Self.controlDomain: controlKeys.contains(key)
        default: false
        }
    }

    /// Reads the `[daemon]` CURVE keys and their key files; nil when none is set.
    /// - Throws: `ConfigurationError.invalidValue` naming the key for a file that is missing,
    ///   unreadable or malformed, a key list that is empty, or authorized keys without a
    ///   server key (and the reverse).
    static func read(_ section: inout TOMLSection) throws -> CurveSettings? {
        let secretFile = try section.string("curve_secret_key_file")
        let ingestPath = try section.string("ingest_authorized_keys")
        let controlPath = try section.string("control_authorized_keys")
        guard let secretFile else {
            for (name, path) in [("ingest_authorized_keys", ingestPath), ("control_authorized_keys", controlPath)] {
                if let path {
                    throw ConfigurationError.invalidValue(
                        key: section.key(name), value: "\"\(path)\"",
                        reason: "needs daemon.curve_secret_key_file, the server's key for CURVE")
                }
            }
            return nil
        }
        guard ingestPath != nil || controlPath != nil else {
            throw ConfigurationError.invalidValue(
                key: section.key("curve_secret_key_file"), value: "\"\(secretFile)\"",
                reason: "name the clients CURVE accepts: daemon.ingest_authorized_keys and/or daemon.control_authorized_keys")
        }
        let keys: CurveKeyPair
        do {
            keys = try CurveKeyFile.readKeyPair(path: secretFile)
        } catch {
            throw ConfigurationError.invalidValue(key: section.key("curve_secret_key_file"), value: "\"\(secretFile)\"", reason: "\(error)")
        }
        var settings = CurveSettings(secretKeyFile: secretFile, serverKeys: keys)
        if let ingestPath {
            settings.ingestKeysPath = ingestPath
            settings.ingestKeys = try publicKeys(ingestPath, key: section.key("ingest_authorized_keys"))
        }
        if let controlPath {
            settings.controlKeysPath = controlPath
            settings.controlKeys = try publicKeys(controlPath, key: section.key("control_authorized_keys"))
        }
        return settings
    }

    /// The public keys at `path` (file or folder).
    /// - Throws: `ConfigurationError.invalidValue` naming `key`.
    static func publicKeys(_ path: String, key: String) throws -> Set<String> {
        let keys: [String]
        do {
            keys = try CurveKeyFile.readPublicKeys(path: path)
        } catch {
            throw ConfigurationError.invalidValue(key: key, value: "\"\(path)\"", reason: "\(error)")
        }
        guard !keys.isEmpty else {
            throw ConfigurationError.invalidValue(
                key: key, value: "\"\(path)\"",
                reason: "holds no public keys (one Z85 key a line, or a folder of *.\(CurveKeyFile.publicExtension) files)")
        }
        return Set(keys)
    }
}

extension DaemonSettings {
    /// Whether the control endpoint aed binds is tcp and CURVE protects it.
    var controlUsesCurve: Bool { resolvedControlEndpoint.hasPrefix("tcp://") && (curve?.control ?? false) }

    /// Refuses a tcp control endpoint without CURVE unless `control_allow_plaintext_tcp` says so.
    ///
    /// The control socket retrains streams, accepts level shifts and reads every alert; over
    /// plaintext tcp anyone who can reach the port can do that (on loopback: every local user
    /// and every process in the network namespace; an `ipc://` socket file has permissions).
    /// - Throws: `ConfigurationError.invalidValue` for `daemon.control`.
    public func checkControlTransport() throws {
        let endpoint = resolvedControlEndpoint
        guard endpoint.hasPrefix("tcp://"), !(curve?.control ?? false), !controlAllowPlaintextTCP else { return }
        throw ConfigurationError.invalidValue(
            key: "daemon.control", value: "\"\(endpoint)\"",
            reason: "a tcp control endpoint without CURVE lets anyone who can reach the port (on loopback: any local user) "
                + "retrain streams and read alerts; set daemon.curve_secret_key_file and daemon.control_authorized_keys, "
                + "use an ipc:// endpoint (file permissions), or set daemon.control_allow_plaintext_tcp = true")
    }
}
