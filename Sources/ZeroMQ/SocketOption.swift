import CZeroMQ

/// A socket option to set with `Socket.set(_:)` (the `zmq_setsockopt` names in brackets).
public enum SocketOption: Sendable, Equatable {
    /// Receive messages whose topic (first frame) starts with `prefix`; empty = all [`ZMQ_SUBSCRIBE`].
    case subscribe(prefix: [UInt8])
    /// Stop receiving `prefix` [`ZMQ_UNSUBSCRIBE`].
    case unsubscribe(prefix: [UInt8])
    /// Queue limit for incoming messages, 0 = unlimited [`ZMQ_RCVHWM`].
    case receiveHighWaterMark(messages: Int32)
    /// Queue limit for outgoing messages, 0 = unlimited [`ZMQ_SNDHWM`].
    case sendHighWaterMark(messages: Int32)
    /// Largest accepted inbound message in bytes, -1 = no limit; a peer that exceeds it is
    /// disconnected (on tcp the connection is reset) [`ZMQ_MAXMSGSIZE`].
    case maximumMessageSize(bytes: Int64)
    /// How long `close` may keep undelivered messages, -1 = forever (avoid), 0 = drop [`ZMQ_LINGER`].
    case linger(milliseconds: Int32)
    /// How long a receive waits, -1 = forever [`ZMQ_RCVTIMEO`].
    case receiveTimeout(milliseconds: Int32)
    /// How long a send waits, -1 = forever [`ZMQ_SNDTIMEO`].
    case sendTimeout(milliseconds: Int32)
    /// XPUB only: block (or fail with `EAGAIN`) at the high-water mark instead of silently
    /// dropping, for a lossless publisher [`ZMQ_XPUB_NODROP`].
    case xpubNoDrop(Bool)
    /// XPUB only: pass every subscription message up, duplicates included [`ZMQ_XPUB_VERBOSE`].
    case xpubVerbose(Bool)
    /// Queue messages only to completed connections [`ZMQ_IMMEDIATE`].
    case immediate(Bool)
    /// REQ only: allow a new request after a lost reply [`ZMQ_REQ_RELAXED`].
    case requestRelaxed(Bool)
    /// REQ only: match replies to requests [`ZMQ_REQ_CORRELATE`].
    case requestCorrelate(Bool)
    /// Act as the CURVE server (needs `curveSecretKey`) [`ZMQ_CURVE_SERVER`].
    case curveServer(Bool)
    /// This socket's long-term CURVE public key, Z85 (40 characters) [`ZMQ_CURVE_PUBLICKEY`].
    case curvePublicKey(String)
    /// This socket's long-term CURVE secret key, Z85 [`ZMQ_CURVE_SECRETKEY`].
    case curveSecretKey(String)
    /// Client only: the server's CURVE public key, Z85 [`ZMQ_CURVE_SERVERKEY`].
    case curveServerKey(String)
    /// Keep TCP connections alive, -1 = OS default [`ZMQ_TCP_KEEPALIVE`].
    case tcpKeepAlive(Int32)
    /// Heartbeat interval on the connection, 0 = off [`ZMQ_HEARTBEAT_IVL`].
    case heartbeatInterval(milliseconds: Int32)
    /// The ZAP domain this socket's handshakes are authenticated in, passed to the ZAP handler
    /// in every request (ZeroMQ RFC 27) [`ZMQ_ZAP_DOMAIN`].
    case zapDomain(String)
    /// Fail a handshake when no ZAP handler answers instead of letting it through (libzmq's
    /// backwards-compatible default); a draft option in libzmq 4.3, so a library built without
    /// draft options refuses it with `EINVAL` [`ZMQ_ZAP_ENFORCE_DOMAIN`, 93].
    case zapEnforceDomain(Bool)
    /// Longest time a new connection may take for its security handshake, 0 = no limit
    /// [`ZMQ_HANDSHAKE_IVL`].
    case handshakeInterval(milliseconds: Int32)
}

/// `ZMQ_ZAP_ENFORCE_DOMAIN`: declared only under `ZMQ_BUILD_DRAFT_API` in zmq.h 4.3.
let zapEnforceDomainOption: Int32 = 93

extension Socket {
    /// Sets `option` on the socket.
    ///
    /// - Throws: `ZMQError` (`EINVAL` for an option the socket type does not accept or a
    ///   malformed CURVE key, `ETERM`, `ENOTSOCK` when closed).
    public func set(_ option: SocketOption) throws(ZMQError) {
        switch option {
        case .subscribe(let prefix): try setBytes(ZMQ_SUBSCRIBE, prefix, name: "ZMQ_SUBSCRIBE")
        case .unsubscribe(let prefix): try setBytes(ZMQ_UNSUBSCRIBE, prefix, name: "ZMQ_UNSUBSCRIBE")
        case .receiveHighWaterMark(let value): try setInt32(ZMQ_RCVHWM, value, name: "ZMQ_RCVHWM")
        case .sendHighWaterMark(let value): try setInt32(ZMQ_SNDHWM, value, name: "ZMQ_SNDHWM")
        case .maximumMessageSize(let bytes):
            let handle = try open("zmq_setsockopt(ZMQ_MAXMSGSIZE)")
            var value = bytes
            if zmq_setsockopt(handle, ZMQ_MAXMSGSIZE, &value, MemoryLayout<Int64>.size) != 0 {
                throw ZMQError.last("zmq_setsockopt(ZMQ_MAXMSGSIZE, \(bytes))")
            }
        case .linger(let value): try setInt32(ZMQ_LINGER, value, name: "ZMQ_LINGER")
        case .receiveTimeout(let value): try setInt32(ZMQ_RCVTIMEO, value, name: "ZMQ_RCVTIMEO")
        case .sendTimeout(let value): try setInt32(ZMQ_SNDTIMEO, value, name: "ZMQ_SNDTIMEO")
        case .xpubNoDrop(let on): try setInt32(ZMQ_XPUB_NODROP, on ? 1 : 0, name: "ZMQ_XPUB_NODROP")
        case .xpubVerbose(let on): try setInt32(ZMQ_XPUB_VERBOSE, on ? 1 : 0, name: "ZMQ_XPUB_VERBOSE")
        case .immediate(let on): try setInt32(ZMQ_IMMEDIATE, on ? 1 : 0, name: "ZMQ_IMMEDIATE")
        case .requestRelaxed(let on): try setInt32(ZMQ_REQ_RELAXED, on ? 1 : 0, name: "ZMQ_REQ_RELAXED")
        case .requestCorrelate(let on): try setInt32(ZMQ_REQ_CORRELATE, on ? 1 : 0, name: "ZMQ_REQ_CORRELATE")
        case .curveServer(let on): try setInt32(ZMQ_CURVE_SERVER, on ? 1 : 0, name: "ZMQ_CURVE_SERVER")
        case .curvePublicKey(let key): try setBytes(ZMQ_CURVE_PUBLICKEY, Array(key.utf8), name: "ZMQ_CURVE_PUBLICKEY")
        case .curveSecretKey(let key): try setBytes(ZMQ_CURVE_SECRETKEY, Array(key.utf8), name: "ZMQ_CURVE_SECRETKEY")
        case .curveServerKey(let key): try setBytes(ZMQ_CURVE_SERVERKEY, Array(key.utf8), name: "ZMQ_CURVE_SERVERKEY")
        case .tcpKeepAlive(let value): try setInt32(ZMQ_TCP_KEEPALIVE, value, name: "ZMQ_TCP_KEEPALIVE")
        case .heartbeatInterval(let value): try setInt32(ZMQ_HEARTBEAT_IVL, value, name: "ZMQ_HEARTBEAT_IVL")
        case .zapDomain(let domain): try setBytes(ZMQ_ZAP_DOMAIN, Array(domain.utf8), name: "ZMQ_ZAP_DOMAIN")
        case .zapEnforceDomain(let on):
            try setInt32(zapEnforceDomainOption, on ? 1 : 0, name: "ZMQ_ZAP_ENFORCE_DOMAIN")
        case .handshakeInterval(let value): try setInt32(ZMQ_HANDSHAKE_IVL, value, name: "ZMQ_HANDSHAKE_IVL")
        }
    }

    /// Convenience for `set(.subscribe(prefix:))` with a UTF-8 prefix; `""` subscribes to all.
    ///
    /// - Throws: `ZMQError` (`EINVAL` on a socket that is not SUB or XSUB).
    public func subscribe(_ prefix: String = "") throws(ZMQError) {
        try set(.subscribe(prefix: Array(prefix.utf8)))
    }

    /// The receive timeout in milliseconds, -1 = forever (`ZMQ_RCVTIMEO`).
    ///
    /// - Throws: `ZMQError` if the option cannot be read.
    public func receiveTimeoutMilliseconds() throws(ZMQError) -> Int32 {
        try getInt32Option(ZMQ_RCVTIMEO, name: "ZMQ_RCVTIMEO")
    }

    /// The linger in milliseconds (`ZMQ_LINGER`).
    ///
    /// - Throws: `ZMQError` if the option cannot be read.
    public func lingerMilliseconds() throws(ZMQError) -> Int32 {
        try getInt32Option(ZMQ_LINGER, name: "ZMQ_LINGER")
    }

    /// The largest accepted inbound message in bytes, -1 = no limit (`ZMQ_MAXMSGSIZE`).
    ///
    /// - Throws: `ZMQError` if the option cannot be read.
    public func maximumMessageSize() throws(ZMQError) -> Int64 {
        let handle = try open("zmq_getsockopt(ZMQ_MAXMSGSIZE)")
        var value: Int64 = 0
        var size = MemoryLayout<Int64>.size
        if zmq_getsockopt(handle, ZMQ_MAXMSGSIZE, &value, &size) != 0 {
            throw ZMQError.last("zmq_getsockopt(ZMQ_MAXMSGSIZE)")
        }
        return value
    }

    /// The raw file descriptor-like events mask (`ZMQ_EVENTS`): `ZMQ_POLLIN`, `ZMQ_POLLOUT` bits.
    ///
    /// - Throws: `ZMQError` if the option cannot be read.
    public func events() throws(ZMQError) -> PollEvents {
        PollEvents(rawValue: Int16(truncatingIfNeeded: try getInt32Option(ZMQ_EVENTS, name: "ZMQ_EVENTS")))
    }

    func setInt32(_ option: Int32, _ value: Int32, name: String) throws(ZMQError) {
        let handle = try open("zmq_setsockopt(\(name))")
        var value = value
        if zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) != 0 {
            throw ZMQError.last("zmq_setsockopt(\(name), \(value))")
        }
    }

    func setBytes(_ option: Int32, _ bytes: [UInt8], name: String) throws(ZMQError) {
        let handle = try open("zmq_setsockopt(\(name))")
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        if result != 0 { throw ZMQError.last("zmq_setsockopt(\(name))") }
    }

    func getInt32Option(_ option: Int32, name: String) throws(ZMQError) -> Int32 {
        let handle = try open("zmq_getsockopt(\(name))")
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        if zmq_getsockopt(handle, option, &value, &size) != 0 { throw ZMQError.last("zmq_getsockopt(\(name))") }
        return value
    }

    func getBytesOption(_ option: Int32, capacity: Int, name: String) throws(ZMQError) -> [UInt8] {
        let handle = try open("zmq_getsockopt(\(name))")
        var buffer = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        let result = buffer.withUnsafeMutableBytes { zmq_getsockopt(handle, option, $0.baseAddress, &size) }
        if result != 0 { throw ZMQError.last("zmq_getsockopt(\(name))") }
        return Array(buffer.prefix(size))
    }
}
