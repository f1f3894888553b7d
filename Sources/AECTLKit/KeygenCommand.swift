import ArgumentParser
import Foundation
import ZeroMQ

/// `aectl keygen`: writes a new CURVE key pair in Z85 (ZeroMQ RFC 26, 32).
public struct KeygenCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new CURVE key pair: NAME.key (secret, mode 0600) and NAME.pub (public).",
        discussion: """
            For aed's server key (daemon.curve_secret_key_file), for a publisher, or for aectl \
            (--curve-key). Put a client's NAME.pub into aed's daemon.ingest_authorized_keys or \
            daemon.control_authorized_keys (a file of keys or a folder of *.pub files), and give \
            clients aed's .pub as their server key. Prints the public key.
            """)

    /// The path prefix of the two files.
    @Argument(help: "Path prefix of the files, e.g. /etc/aed/curve/server writes server.key and server.pub.")
    public var name: String

    /// Replace existing files.
    @Flag(help: "Replace NAME.key and NAME.pub if they exist.")
    public var force = false

    public init() {}

    public func validate() throws {
        guard !name.isEmpty, !name.hasSuffix("/") else { throw ValidationError("NAME must be a path prefix such as ./publisher-1") }
    }

    public func run() throws {
        let keys: CurveKeyPair
        let paths: (secret: String, public: String)
        do {
            keys = try CurveKeyPair.generate()
            paths = try CurveKeyFile.write(
                keys, prefix: name, overwrite: force, comment: "written by aectl keygen \((name as NSString).lastPathComponent)")
        } catch {
            throw CommandFailure("aectl keygen: \(error)")
        }
        FileHandle.standardError.write(Data("aectl keygen: wrote \(paths.secret) (secret, 0600) and \(paths.public)\n".utf8))
        printOut(keys.publicKey + "\n")
    }
}
