import ZeroMQ

/// A client of aed's control protocol: one REQ socket per request, so a lost reply never
/// wedges the next request (a REQ that missed its reply cannot send again).
///
/// `Sendable`: it holds only the endpoint, the timeout and a thread-safe context.
public struct ControlClient: Sendable {
    /// The control endpoint, e.g. `ipc://./state/control.sock`.
    public let endpoint: String
    /// How long to wait for the reply (and to queue the request), in milliseconds.
    public var timeoutMilliseconds: Int32
    /// CURVE credentials for a `tcp://` endpoint whose daemon uses CURVE (ZeroMQ RFC 26);
    /// ignored for `ipc://`, which aed keeps plaintext behind file permissions.
    public var curve: CurveClientCredentials?
    private let context: Context

    /// Creates a client of `endpoint` with a reply timeout and, for CURVE, `curve`.
    ///
    /// - Throws: `ControlProtocolError.transport` if no ZeroMQ context can be created.
    public init(endpoint: String, timeoutMilliseconds: Int32 = 5_000, curve: CurveClientCredentials? = nil) throws(ControlProtocolError) {
        self.endpoint = endpoint
        self.timeoutMilliseconds = timeoutMilliseconds
        self.curve = curve
        do {
            self.context = try Context()
        } catch {
            throw .transport(ZMQErrorDescription(text: "\(error)"))
        }
    }

    /// Sends `request` and returns the raw reply frame.
    ///
    /// - Throws: `ControlProtocolError.timeout` when no reply came in time, `.transport` for a
    ///   bad endpoint or socket failure.
    public func send(_ request: ControlRequest, timeoutMilliseconds: Int32? = nil) throws(ControlProtocolError) -> [UInt8] {
        let timeout = timeoutMilliseconds ?? self.timeoutMilliseconds
        do {
            let socket = try context.socket(.req, lingerMilliseconds: 0)
            defer { socket.close() }
            try socket.set(.receiveTimeout(milliseconds: timeout))
            try socket.set(.sendTimeout(milliseconds: timeout))
            if let curve, endpoint.hasPrefix("tcp://") { try socket.makeCurveClient(curve) }
            // No ZMQ_IMMEDIATE: with libzmq 4.3.4 a REQ that sets it right after another REQ on the
            // same ipc endpoint closed sometimes never completes its connection (send blocked for the
            // whole timeout in about 1 of 3 runs). Without it the request is queued at connect and a
            // missing daemon still ends in the receive timeout.
            try socket.connect(endpoint)
            guard try socket.send(request.encoded()) else {
                throw ControlProtocolError.timeout(endpoint: endpoint, milliseconds: timeout)
            }
            guard let reply = try socket.receiveMultipart(maximumFrames: 4) else {
                throw ControlProtocolError.timeout(endpoint: endpoint, milliseconds: timeout)
            }
            guard reply.count == 1, let frame = reply.first else {
                throw ControlProtocolError.badReply("\(reply.count) frames instead of 1")
            }
            return frame
        } catch let error as ControlProtocolError {
            throw error
        } catch {
            throw .transport(ZMQErrorDescription(text: "\(error)"))
        }
    }

    /// Asks for the status.
    ///
    /// - Throws: `ControlProtocolError` (`.timeout`, `.daemon`, `.badReply`, `.transport`).
    public func status() throws(ControlProtocolError) -> StatusReply {
        try ControlReply.decode(StatusReply.self, from: send(.status))
    }

    /// Starts a retrain of `streams` (empty = all); with `wait`, waits up to
    /// `timeoutMilliseconds` for it to end.
    ///
    /// - Throws: `ControlProtocolError`.
    public func retrain(streams: [String], wait: Bool, acceptShift: Bool = false, timeoutMilliseconds: Int32? = nil) throws(ControlProtocolError) -> RetrainReply {
        try ControlReply.decode(
            RetrainReply.self,
            from: send(.retrain(streams: streams, wait: wait, acceptShift: acceptShift), timeoutMilliseconds: timeoutMilliseconds))
    }

    /// Lists stored alerts.
    ///
    /// - Throws: `ControlProtocolError`.
    public func alerts(stream: String?, since: Double?, limit: Int?) throws(ControlProtocolError) -> AlertsReply {
        try ControlReply.decode(AlertsReply.self, from: send(.alerts(stream: stream, since: since, limit: limit)))
    }
}
