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

    /// Makes this socket a CURVE client of the server with public key `serverKey` (before `connect`).
    ///
    /// - Throws: `ZMQError` (`EINVAL` for malformed keys).
    public func makeCurveClient(keys: CurveKeyPair, serverKey: String) throws(ZMQError) {
        try set(.curveServerKey(serverKey))
        try set(.curvePublicKey(keys.publicKey))
        try set(.curveSecretKey(keys.secretKey))
    }
}
