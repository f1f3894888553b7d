import CZeroMQ
import Foundation

/// A ZAP request: libzmq asks the handler whether a peer may complete its handshake
/// (ZeroMQ RFC 27, "ZAP": https://rfc.zeromq.org/spec/27/).
public struct ZAPRequest: Sendable, Equatable {
    /// The request id, echoed in the reply.
    public var requestID: [UInt8]
    /// The ZAP domain of the socket (`ZMQ_ZAP_DOMAIN`); empty when none is set.
    public var domain: String
    /// The peer's address, e.g. `127.0.0.1`.
    public var address: String
    /// The mechanism: `NULL`, `PLAIN` or `CURVE`.
    public var mechanism: String
    /// For `CURVE`: the client's long-term public key in Z85 (RFC 32); nil otherwise.
    public var curvePublicKey: String?

    /// Creates a request; see the properties.
    public init(requestID: [UInt8], domain: String, address: String, mechanism: String, curvePublicKey: String?) {
        self.requestID = requestID
        self.domain = domain
        self.address = address
        self.mechanism = mechanism
        self.curvePublicKey = curvePublicKey
    }

    /// Parses the frames of a request: version `1.0`, request id, domain, address, identity,
    /// mechanism, credentials (for CURVE one frame: the 32-byte public key); nil when malformed.
    public init?(frames: [[UInt8]]) {
        guard frames.count >= 6, frames[0] == Array("1.0".utf8) else { return nil }
        requestID = frames[1]
        domain = String(decoding: frames[2], as: UTF8.self)
        address = String(decoding: frames[3], as: UTF8.self)
        mechanism = String(decoding: frames[5], as: UTF8.self)
        curvePublicKey = mechanism == "CURVE" && frames.count >= 7 ? CurveKeyPair.z85Key(frames[6]) : nil
    }
}

/// The ZAP handler's answer to one request.
public enum ZAPDecision: Sendable, Equatable {
    /// Status 200: the handshake completes; `userID` is attached to the peer's messages.
    case allow(userID: String)
    /// Status 400: the handshake fails; `reason` goes into the reply's status text.
    case deny(reason: String)

    /// The reply frames (RFC 27): version, request id, status code, status text, user id, metadata.
    func frames(requestID: [UInt8]) -> [[UInt8]] {
        switch self {
        case .allow(let userID): [Array("1.0".utf8), requestID, Array("200".utf8), Array("OK".utf8), Array(userID.utf8), []]
        case .deny(let reason): [Array("1.0".utf8), requestID, Array("400".utf8), Array(reason.utf8), [], []]
        }
    }
}

/// A ZAP handler (ZeroMQ RFC 27): a REP socket bound at `inproc://zeromq.zap.01` in a context,
/// answering libzmq's authentication requests for that context's CURVE (and PLAIN) sockets on a
/// thread of its own.
///
/// `start()` returns once the socket is bound, so a server socket created after it never
/// handshakes without it; `stop()` ends the thread (a handshake), after which the context's
/// servers no longer authenticate: close them first (and set `zapEnforceDomain`, where the
/// library offers it, so a handshake without a handler fails instead of passing).
/// A request the handler cannot parse is answered with status 400 when it has a request id.
public final class ZAPHandler: @unchecked Sendable {
    /// The endpoint libzmq sends ZAP requests to (RFC 27).
    public static let endpoint = "inproc://zeromq.zap.01"

    private let context: Context
    private let decide: @Sendable (ZAPRequest) -> ZAPDecision
    private let lock = NSLock()
    private var stopRequested = false
    private let ended = DispatchSemaphore(value: 0)
    private var running = false

    /// A handler for the sockets of `context`, answering each request with `decide`, called on
    /// the handler's thread.
    public init(context: Context, decide: @escaping @Sendable (ZAPRequest) -> ZAPDecision) {
        self.context = context
        self.decide = decide
    }

    /// Binds the REP socket and starts the thread; returns once the socket is bound.
    ///
    /// - Throws: `ZMQError` (`EADDRINUSE` when the context already has a ZAP handler, `ETERM`).
    public func start() throws(ZMQError) {
        let bound = DispatchSemaphore(value: 0)
        let failure = LockedError()
        let thread = Thread { [self] in
            let socket: Socket
            do {
                socket = try context.socket(.rep, lingerMilliseconds: 0)
                try socket.set(.receiveTimeout(milliseconds: 100))
                try socket.set(.sendTimeout(milliseconds: 1_000))
                try socket.bind(Self.endpoint)
            } catch {
                failure.set(error as? ZMQError ?? ZMQError(operation: "ZAP handler", code: EINVAL))
                bound.signal()
                ended.signal()
                return
            }
            bound.signal()
            serve(socket)
            socket.close()
            ended.signal()
        }
        thread.name = "zap-handler"
        thread.start()
        bound.wait()
        if let error = failure.get() {
            ended.wait()
            throw error
        }
        lock.withLock { running = true }
    }

    /// Stops the thread and closes the socket; returns once it ended. Calling it twice, or
    /// without a successful `start()`, is harmless.
    public func stop() {
        let wasRunning = lock.withLock {
            stopRequested = true
            let was = running
            running = false
            return was
        }
        if wasRunning { ended.wait() }
    }

    private var shouldStop: Bool { lock.withLock { stopRequested } }

    private func serve(_ socket: Socket) {
        while !shouldStop {
            let frames: [[UInt8]]?
            do {
                frames = try socket.receiveMultipart(maximumFrames: 16)
            } catch {
                return  // ETERM: the context shut down
            }
            guard let frames else { continue }
            let reply: [[UInt8]]
            if let request = ZAPRequest(frames: frames) {
                reply = decide(request).frames(requestID: request.requestID)
            } else {
                let requestID = frames.count > 1 ? frames[1] : []
                reply = ZAPDecision.deny(reason: "malformed ZAP request").frames(requestID: requestID)
            }
            do {
                _ = try socket.sendMultipart(reply)
            } catch {
                return
            }
        }
    }
}

/// A lock-protected optional error, set on the handler's thread and read by `start()`.
private final class LockedError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: ZMQError?
    func set(_ value: ZMQError) { lock.withLock { error = value } }
    func get() -> ZMQError? { lock.withLock { error } }
}
