import CZeroMQ

/// Socket events a monitor reports (`zmq_socket_monitor`, the `ZMQ_EVENT_*` bits of libzmq 4.3).
public struct SocketEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// A connection was accepted on a bound endpoint [`ZMQ_EVENT_ACCEPTED`].
    public static let accepted = SocketEvents(rawValue: UInt16(ZMQ_EVENT_ACCEPTED))
    /// A connection was lost [`ZMQ_EVENT_DISCONNECTED`].
    public static let disconnected = SocketEvents(rawValue: UInt16(ZMQ_EVENT_DISCONNECTED))
    /// A security handshake failed for a system reason; the value is an `errno`
    /// [`ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL`].
    public static let handshakeFailedNoDetail = SocketEvents(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL))
    /// A security handshake (and ZAP authentication, if any) succeeded [`ZMQ_EVENT_HANDSHAKE_SUCCEEDED`].
    public static let handshakeSucceeded = SocketEvents(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_SUCCEEDED))
    /// A handshake broke the ZMTP protocol; the value is a `ZMQ_PROTOCOL_ERROR_*`: a client with
    /// the wrong CURVE server key (`..._ZMTP_CRYPTOGRAPHIC`), a client of another mechanism, such as
    /// a plaintext one (`..._ZMTP_MECHANISM_MISMATCH`) [`ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL`].
    public static let handshakeFailedProtocol = SocketEvents(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
    /// The ZAP handler refused the peer; the value is its status code (300, 400, 500)
    /// [`ZMQ_EVENT_HANDSHAKE_FAILED_AUTH`].
    public static let handshakeFailedAuth = SocketEvents(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_FAILED_AUTH))
    /// Every failed handshake.
    public static let handshakeFailures: SocketEvents = [.handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth]
}

/// One event read from a monitor socket: which, its value and the endpoint it happened on.
public struct MonitorEvent: Sendable, Equatable {
    /// The event (a single bit of `SocketEvents`).
    public var event: SocketEvents
    /// The event's value: an `errno`, a `ZMQ_PROTOCOL_ERROR_*` code or a ZAP status code, by event.
    public var value: UInt32
    /// The endpoint it happened on, e.g. `tcp://127.0.0.1:7600`.
    public var endpoint: String

    /// `ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC`: a CURVE message did not decrypt (a client that
    /// uses the wrong server key, or a corrupted handshake).
    public static let protocolErrorCryptographic = UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    /// `ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH`: the peer uses another security mechanism
    /// (a plaintext client of a CURVE server).
    public static let protocolErrorMechanismMismatch = UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)

    /// Creates an event; see the properties.
    public init(event: SocketEvents, value: UInt32, endpoint: String) {
        self.event = event
        self.value = value
        self.endpoint = endpoint
    }

    /// Decodes the two frames of a version 1 monitor message: `[event u16, value u32]` in host
    /// byte order, then the endpoint; nil for anything else.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let head = frames[0]
        event = SocketEvents(rawValue: UInt16(head[0]) | UInt16(head[1]) << 8)
        value = head[2...5].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        #if _endian(big)
        event = SocketEvents(rawValue: event.rawValue.byteSwapped)
        value = value.byteSwapped
        #endif
        endpoint = String(decoding: frames[1], as: UTF8.self)
    }
}

extension Socket {
    /// Publishes `events` of this socket on a PAIR socket that libzmq binds at the `inproc://`
    /// `endpoint` (`zmq_socket_monitor`); connect a `.pair` socket of the same context there and
    /// read each event with `receiveMonitorEvent`. Start it before `bind` or `connect` to see
    /// every connection.
    ///
    /// - Throws: `ZMQError` (`EPROTONOSUPPORT` for an endpoint that is not `inproc://`,
    ///   `EADDRINUSE`).
    public func monitor(at endpoint: String, events: SocketEvents) throws(ZMQError) {
        let handle = try open("zmq_socket_monitor(\(endpoint))")
        if zmq_socket_monitor(handle, endpoint, Int32(events.rawValue)) != 0 {
            throw ZMQError.last("zmq_socket_monitor(\(endpoint))")
        }
    }

    /// Reads one event from a monitor PAIR socket (see `monitor(at:events:)`); nil when none is
    /// ready (`dontWait`) or within the receive timeout, or when the message is not an event.
    ///
    /// - Throws: `ZMQError` for failures other than a timeout.
    public func receiveMonitorEvent(dontWait: Bool = false) throws(ZMQError) -> MonitorEvent? {
        guard let frames = try receiveMultipart(dontWait: dontWait, maximumFrames: 4) else { return nil }
        return MonitorEvent(frames: frames)
    }
}
