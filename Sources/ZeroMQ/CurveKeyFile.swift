import Foundation

/// CURVE key files: what `aectl keygen` writes and what aed and aectl read.
///
/// A key file holds one Z85 key (40 characters, ZeroMQ RFC 32) per line; blank lines and lines
/// starting with `#` are ignored, and a czmq certificate line `public-key = "..."` or
/// `secret-key = "..."` is read as its quoted key. `aectl keygen NAME` writes `NAME.key` (the
/// secret key, mode 0600) and `NAME.pub` (the public key, mode 0644).
public enum CurveKeyFile {
    /// The extension of a public key file; a folder of authorized keys is read for these only,
    /// so a secret `.key` file left in it is never taken for a public key.
    public static let publicExtension = "pub"
    /// The extension of a secret key file.
    public static let secretExtension = "key"

    /// Reads the key pair of the secret key file at `path` (its public key derived).
    ///
    /// - Throws: `CurveKeyFileError` when the file cannot be read, holds no key or more than
    ///   one, the key is not 40 Z85 characters, or the path ends in `.pub` (a public key file).
    public static func readKeyPair(path: String) throws(CurveKeyFileError) -> CurveKeyPair {
        guard (path as NSString).pathExtension != publicExtension else {
            throw .malformed(path: path, line: 0, reason: "a .\(publicExtension) file holds a public key; give the secret .\(secretExtension) file")
        }
        let keys = try readKeys(path: path, kind: "secret-key")
        guard keys.count == 1, let key = keys.first else {
            throw .malformed(
                path: path, line: keys.first?.line ?? 0,
                reason: keys.isEmpty ? "holds no key" : "holds \(keys.count) keys; a secret key file holds exactly one")
        }
        do {
            return try CurveKeyPair(secretKey: key.key)
        } catch {
            throw .malformed(path: path, line: key.line, reason: "not a CURVE secret key: \(error.message)")
        }
    }

    /// Reads the public keys at `path`: a file with one key per line, or a folder whose `*.pub`
    /// files are read (in name order).
    ///
    /// - Throws: `CurveKeyFileError` when the path cannot be read or a line is not a key.
    public static func readPublicKeys(path: String) throws(CurveKeyFileError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .unreadable(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return try readKeys(path: path, kind: "public-key").map(\.key) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error))
        }
        var keys: [String] = []
        for name in names.sorted() where (name as NSString).pathExtension == publicExtension && !name.hasPrefix(".") {
            keys += try readKeys(path: (path as NSString).appendingPathComponent(name), kind: "public-key").map(\.key)
        }
        return keys
    }

    /// Writes `keys` as `<prefix>.key` (secret, mode 0600, created so that no other user can
    /// ever read it) and `<prefix>.pub` (public, mode 0644); returns both paths.
    ///
    /// - Throws: `CurveKeyFileError.exists` when either file exists and `overwrite` is false;
    ///   `.unwritable` when a file cannot be written.
    @discardableResult
    public static func write(_ keys: CurveKeyPair, prefix: String, overwrite: Bool = false, comment: String? = nil)
        throws(CurveKeyFileError) -> (secret: String, public: String)
    {
        let secretPath = "\(prefix).\(secretExtension)"
        let publicPath = "\(prefix).\(publicExtension)"
        if !overwrite {
            for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
                throw .exists(path: path)
            }
        }
        let header = comment.map { "# \($0)\n" } ?? ""
        try writeFile(
            secretPath, "\(header)# CURVE secret key (Z85): keep it private\n\(keys.secretKey)\n", mode: 0o600)
        try writeFile(publicPath, "\(header)# CURVE public key (Z85)\n\(keys.publicKey)\n", mode: 0o644)
        return (secretPath, publicPath)
    }

    /// The keys of a key file with the line each is on.
    static func readKeys(path: String, kind: String) throws(CurveKeyFileError) -> [(key: String, line: Int)] {
        guard FileManager.default.fileExists(atPath: path) else { throw .unreadable(path: path, reason: "no such file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error))
        }
        var keys: [(key: String, line: Int)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            // Z85 has `#` and `=` in its alphabet: a valid key is a key even if it starts with `#`.
            if CurveKeyPair.isValidKey(line) {
                keys.append((line, index + 1))
                continue
            }
            if line.isEmpty || line.hasPrefix("#") || ["metadata", "curve"].contains(line) { continue }
            // A czmq certificate: `    public-key = "..."`; its other `name = value` lines are skipped.
            if let equals = line.firstIndex(of: "="), line.hasSuffix("\"") {
                let name = line[..<equals].trimmingCharacters(in: .whitespaces)
                guard name == kind else { continue }
                line = line[line.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            }
            guard CurveKeyPair.isValidKey(line) else {
                throw .malformed(
                    path: path, line: index + 1,
                    reason: "not a Z85 CURVE key (expected 40 characters of the Z85 alphabet, found \(line.utf8.count) characters)")
            }
            keys.append((line, index + 1))
        }
        return keys
    }

    private static func writeFile(_ path: String, _ text: String, mode: mode_t) throws(CurveKeyFileError) {
        // Created with its final mode (O_EXCL after removing an old file), so the secret is
        // never readable by others, not even for a moment.
        _ = unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        _ = fchmod(descriptor, mode)  // the umask may have narrowed the public file's mode
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
    }

    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(underlying.code))) }
        return error.localizedDescription
    }
}

/// Why a CURVE key file could not be read or written.
public enum CurveKeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder cannot be read (missing, no permission).
    case unreadable(path: String, reason: String)
    /// A line is not a key, or a secret key file does not hold exactly one (`line` 0: the file).
    case malformed(path: String, line: Int, reason: String)
    /// `aectl keygen` would overwrite an existing file.
    case exists(path: String)
    /// A key file cannot be written.
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read key file \(path): \(reason)"
        case .malformed(let path, let line, let reason): line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)"
        case .exists(let path): "\(path) exists; remove it or pass --force to replace it"
        case .unwritable(let path, let reason): "cannot write key file \(path): \(reason)"
        }
    }
}
