import CZeroMQ

/// A CURVE key pair (Curve25519) in Z85 text form, 40 characters each (ZeroMQ RFC 26, 32).
public struct CurveKeyPair: Sendable, Equatable {
    /// The public key, Z85, 40 characters.
    public let publicKey: String
    /// The secret key, Z85, 40 characters.
    public let secretKey: String

    /// Wraps existing Z85 keys.
    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Generates a fresh key pair (`zmq_curve_keypair`).
    ///
    /// - Throws: `ZMQError` (`ENOTSUP` when libzmq lacks CURVE).
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        if zmq_curve_keypair(&publicKey, &secretKey) != 0 { throw ZMQError.last("zmq_curve_keypair") }
        return CurveKeyPair(publicKey: Self.text(publicKey), secretKey: Self.text(secretKey))
    }

    /// Derives the public key of a Z85 secret key (`zmq_curve_public`).
    ///
    /// - Throws: `ZMQError` (`EINVAL` for a malformed key, `ENOTSUP` without CURVE).
    public static func publicKey(forSecretKey secretKey: String) throws(ZMQError) -> String {
        var publicKey = [CChar](repeating: 0, count: 41)
        guard secretKey.utf8.count == 40 else { throw ZMQError(operation: "zmq_curve_public (key length)", code: EINVAL) }
        if zmq_curve_public(&publicKey, secretKey) != 0 { throw ZMQError.last("zmq_curve_public") }
        return text(publicKey)
    }

    /// True when `key` is a Z85-encoded 32-byte CURVE key: 40 characters of the Z85 alphabet
    /// (ZeroMQ RFC 32).
    public static func isValidKey(_ key: String) -> Bool {
        binaryKey(key) != nil
    }

    /// The 32 bytes of a Z85 CURVE key (`zmq_z85_decode`), or nil when `key` is not 40
    /// characters of the Z85 alphabet (RFC 32).
    public static func binaryKey(_ key: String) -> [UInt8]? {
        guard key.utf8.count == 40 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        let decoded = bytes.withUnsafeMutableBufferPointer { buffer in zmq_z85_decode(buffer.baseAddress, key) }
        return decoded == nil ? nil : bytes
    }

    /// The Z85 text (40 characters) of a 32-byte binary CURVE key, as a ZAP request carries it
    /// (`zmq_z85_encode`, RFC 32), or nil when `bytes` is not 32 bytes long.
    public static func z85Key(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 32 else { return nil }
        var characters = [CChar](repeating: 0, count: 41)
        let encoded = characters.withUnsafeMutableBufferPointer { buffer in
            bytes.withUnsafeBufferPointer { zmq_z85_encode(buffer.baseAddress, $0.baseAddress, 32) }
        }
        return encoded == nil ? nil : text(characters)
    }

    /// The pair of a Z85 secret key, its public key derived (`zmq_curve_public`).
    ///
    /// - Throws: `ZMQError` (`EINVAL` for a malformed key, `ENOTSUP` without CURVE).
    public init(secretKey: String) throws(ZMQError) {
        guard Self.isValidKey(secretKey) else { throw ZMQError(operation: "CURVE secret key (not 40 Z85 characters)", code: EINVAL) }
        self.init(publicKey: try Self.publicKey(forSecretKey: secretKey), secretKey: secretKey)
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Socket {
    /// Makes this socket a CURVE server with `keys` (set before `bind`).
    ///
    /// - Throws: `ZMQError` (`EINVAL` for malformed keys).
    public func makeCurveServer(keys: CurveKeyPair) throws(ZMQError) {
        try set(.curveServer(true))
        try set(.curveSecretKey(keys.secretKey))
    }

    /// Makes this socket a CURVE client with `credentials` (before `connect` or `bind`).
    ///
    /// - Throws: `ZMQError` (`EINVAL` for malformed keys).
    public func makeCurveClient(_ credentials: CurveClientCredentials) throws(ZMQError) {
        try makeCurveClient(keys: credentials.keys, serverKey: credentials.serverKey)
    }

    /// Makes this socket a CURVE client of the server with public key `serverKey` (before `connect`).
    ///
    /// - Throws: `ZMQError` (`EINVAL` for malformed keys).
    public func makeCurveClient(keys: CurveKeyPair, serverKey: String) throws(ZMQError) {
        try set(.curveServerKey(serverKey))
        try set(.curvePublicKey(keys.publicKey))
        try set(.curveSecretKey(keys.secretKey))
    }
}


/// What a CURVE client needs: its own key pair and the server's public key (ZeroMQ RFC 26).
public struct CurveClientCredentials: Sendable, Equatable {
    /// The client's long-term key pair; the server authorizes its public key.
    public var keys: CurveKeyPair
    /// The server's public key, Z85 (40 characters).
    public var serverKey: String

    /// Creates client credentials; see the properties.
    public init(keys: CurveKeyPair, serverKey: String) {
        self.keys = keys
        self.serverKey = serverKey
    }
}
