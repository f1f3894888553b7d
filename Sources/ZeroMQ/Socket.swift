import CZeroMQ

/// A ZeroMQ socket, owned by the thread that uses it.
///
/// libzmq sockets are not thread-safe, so `Socket` is deliberately not `Sendable`: Swift 6
/// rejects sharing it between concurrency domains, and a socket created inside a thread or task
/// stays there (it may be handed over once, as a `sending` value). The socket keeps its
/// `Context` alive and is closed by `close()` or `deinit`, always before the context terminates.
public final class Socket {
    /// The linger every new socket gets unless told otherwise: 1,000 ms, so that closing a socket
    /// with undelivered messages delays context termination by at most a second.
    public static let defaultLingerMilliseconds: Int32 = 1_000

    /// The context that created the socket; kept alive so `zmq_ctx_term` runs after `close`.
    public let context: Context
    /// The socket pattern.
    public let type: SocketType
    /// The libzmq handle; nil once closed.
    private(set) var handle: UnsafeMutableRawPointer?

    init(context: Context, type: SocketType, lingerMilliseconds: Int32) throws {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZMQError.last("zmq_socket(\(type))")
        }
        self.context = context
        self.type = type
        self.handle = handle
        try set(.linger(milliseconds: lingerMilliseconds))
    }

    deinit {
        if let handle { zmq_close(handle) }
    }

    /// Closes the socket now; pending outgoing messages get at most the socket's linger.
    /// Closing twice is harmless.
    public func close() {
        if let handle {
            zmq_close(handle)
            self.handle = nil
        }
    }

    /// The open handle, or `ENOTSOCK` when closed.
    func open(_ operation: @autoclosure () -> String) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(operation: operation(), code: ENOTSOCK) }
        return handle
    }

    // MARK: Endpoints

    /// Binds to `endpoint` and returns the endpoint actually bound (`ZMQ_LAST_ENDPOINT`),
    /// e.g. `tcp://127.0.0.1:41234` for `tcp://127.0.0.1:*`.
    ///
    /// - Throws: `ZMQError` (`EADDRINUSE`, `EINVAL` for a malformed endpoint, `EPROTONOSUPPORT`).
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        let handle = try open("zmq_bind(\(endpoint))")
        if zmq_bind(handle, endpoint) != 0 { throw ZMQError.last("zmq_bind(\(endpoint))") }
        return try lastEndpoint()
    }

    /// Connects to `endpoint` (the connection itself is made in the background).
    ///
    /// - Throws: `ZMQError` for a malformed or unsupported endpoint.
    public func connect(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_connect(\(endpoint))")
        if zmq_connect(handle, endpoint) != 0 { throw ZMQError.last("zmq_connect(\(endpoint))") }
    }

    /// Stops listening on a bound `endpoint` (use the endpoint `bind` returned).
    ///
    /// - Throws: `ZMQError` (`ENOENT` if it was not bound).
    public func unbind(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_unbind(\(endpoint))")
        if zmq_unbind(handle, endpoint) != 0 { throw ZMQError.last("zmq_unbind(\(endpoint))") }
    }

    /// Disconnects from a connected `endpoint`.
    ///
    /// - Throws: `ZMQError` (`ENOENT` if it was not connected).
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let handle = try open("zmq_disconnect(\(endpoint))")
        if zmq_disconnect(handle, endpoint) != 0 { throw ZMQError.last("zmq_disconnect(\(endpoint))") }
    }

    /// The endpoint last bound or connected (`ZMQ_LAST_ENDPOINT`), wildcards resolved.
    ///
    /// - Throws: `ZMQError` if the option cannot be read.
    public func lastEndpoint() throws(ZMQError) -> String {
        let bytes = try getBytesOption(ZMQ_LAST_ENDPOINT, capacity: 1024, name: "ZMQ_LAST_ENDPOINT")
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    // MARK: Sending

    /// Sends one frame; `more` marks that further frames of the same message follow.
    ///
    /// Returns false when the frame could not be queued without blocking (`dontWait`) or within
    /// the send timeout (`EAGAIN`); the message is then not sent.
    /// - Throws: `ZMQError` for any other failure (`ETERM`, `EFSM` out of REQ/REP order).
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer, more: Bool = false, dontWait: Bool = false) throws(ZMQError) -> Bool {
        let handle = try open("zmq_send")
        let flags = (more ? ZMQ_SNDMORE : 0) | (dontWait ? ZMQ_DONTWAIT : 0)
        let result = retryingOnInterrupt { zmq_send(handle, bytes.baseAddress, bytes.count, flags) }
        if result >= 0 { return true }
        let error = ZMQError.last("zmq_send")
        if error.isTimeout { return false }
        throw error
    }

    /// Sends one frame from an array (see `send(_:more:dontWait:)` for the result).
    @discardableResult
    public func send(_ bytes: [UInt8], more: Bool = false, dontWait: Bool = false) throws(ZMQError) -> Bool {
        let result: Result<Bool, ZMQError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ZMQError) -> Bool in try send(raw, more: more, dontWait: dontWait) }
        }
        return try result.get()
    }

    /// Sends one frame holding the UTF-8 bytes of `text`.
    @discardableResult
    public func send(_ text: String, more: Bool = false, dontWait: Bool = false) throws(ZMQError) -> Bool {
        try send(Array(text.utf8), more: more, dontWait: dontWait)
    }

    /// Sends `frames` as one multipart message (all frames or, on `EAGAIN` at the first frame,
    /// none: libzmq queues a multipart message atomically once its first frame is accepted).
    ///
    /// - Throws: `ZMQError` for failures other than a timeout; `EINVAL` for an empty list.
    @discardableResult
    public func sendMultipart(_ frames: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        guard !frames.isEmpty else { throw ZMQError(operation: "sendMultipart (no frames)", code: EINVAL) }
        for (index, frame) in frames.enumerated() {
            let sent = try send(frame, more: index < frames.count - 1, dontWait: dontWait && index == 0)
            if !sent { return false }
        }
        return true
    }

    // MARK: Receiving

    /// Receives one frame into `message` (no truncation).
    ///
    /// Returns false when no frame arrived within the receive timeout or, with `dontWait`, none
    /// was ready (`EAGAIN`).
    /// - Throws: `ZMQError` for any other failure (`ETERM` after `Context.shutdown()`).
    public func receive(into message: Message, dontWait: Bool = false) throws(ZMQError) -> Bool {
        let handle = try open("zmq_msg_recv")
        let flags = dontWait ? ZMQ_DONTWAIT : 0
        let result = retryingOnInterrupt { zmq_msg_recv(message.pointer, handle, flags) }
        if result >= 0 { return true }
        let error = ZMQError.last("zmq_msg_recv")
        if error.isTimeout { return false }
        throw error
    }

    /// Receives one whole multipart message into the reusable `message` buffer.
    ///
    /// Returns false when nothing arrived within the receive timeout (or, with `dontWait`,
    /// nothing was ready). Frames after the first arrive together with it, so only the first
    /// frame waits.
    /// - Throws: `ZMQError` for failures other than a timeout.
    public func receiveMultipart(into message: MultipartMessage, dontWait: Bool = false) throws(ZMQError) -> Bool {
        message.frameCount = 0
        message.byteCount = 0
        var overflow: Message?
        var index = 0
        while true {
            let slot: Message
            if index < message.maximumStoredFrames {
                slot = message.slot(index)
            } else if let overflow {
                slot = overflow
            } else {
                let extra = Message()
                overflow = extra
                slot = extra
            }
            let received = try receive(into: slot, dontWait: index == 0 ? dontWait : false)
            if !received {
                if index == 0 { return false }
                throw ZMQError(operation: "zmq_msg_recv (frame \(index) of a multipart message)", code: EAGAIN)
            }
            index += 1
            message.frameCount = index
            message.byteCount += slot.count
            if !slot.hasMore { return true }
        }
    }

    /// Receives one multipart message as arrays of bytes, or nil on timeout.
    ///
    /// - Throws: `ZMQError` for failures other than a timeout.
    public func receiveMultipart(dontWait: Bool = false, maximumFrames: Int = 64) throws(ZMQError) -> [[UInt8]]? {
        let message = MultipartMessage(maximumStoredFrames: maximumFrames)
        guard try receiveMultipart(into: message, dontWait: dontWait) else { return nil }
        return message.arrays
    }

    /// Receives one frame as bytes, or nil on timeout (further frames stay queued).
    ///
    /// - Throws: `ZMQError` for failures other than a timeout.
    public func receiveFrame(dontWait: Bool = false) throws(ZMQError) -> [UInt8]? {
        let message = Message()
        guard try receive(into: message, dontWait: dontWait) else { return nil }
        return message.bytes
    }

    /// True when the last frame received has more frames following (`ZMQ_RCVMORE`).
    ///
    /// - Throws: `ZMQError` if the option cannot be read.
    public func hasMoreFrames() throws(ZMQError) -> Bool {
        try getInt32Option(ZMQ_RCVMORE, name: "ZMQ_RCVMORE") != 0
    }
}
