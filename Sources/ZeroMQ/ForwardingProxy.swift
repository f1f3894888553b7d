import CZeroMQ
import Foundation

/// A publish-subscribe forwarder: libzmq's own proxy (`zmq_proxy_steerable`, zmq_proxy(3))
/// between an XSUB frontend, where publishers connect as they would to one subscriber, and an
/// XPUB backend, where subscribers connect.
///
/// Subscriptions travel upstream: each subscriber's prefixes reach the publishers through the
/// proxy, so a publisher sends a stream only when some subscriber wants it and each subscriber
/// receives only its prefixes. Messages travel downstream unchanged (multipart kept).
///
/// The proxy runs on a thread of its own, which owns the two sockets; `stop()` ends it through
/// the proxy's control socket (`TERMINATE`). A subscriber slower than its high-water mark loses
/// messages at the backend, as it would at a publisher: `highWaterMark` sizes both queues.
public final class ForwardingProxy: @unchecked Sendable {
    /// Where publishers connect (XSUB), e.g. `tcp://*:7600`.
    public let frontend: String
    /// Where subscribers connect (XPUB), e.g. `tcp://*:7601`.
    public let backend: String
    /// Messages each side queues per peer (`ZMQ_RCVHWM` of the frontend, `ZMQ_SNDHWM` of the backend).
    public let highWaterMark: Int32
    private let context: Context
    private let controlEndpoint = "inproc://aed-proxy-control-\(UUID().uuidString)"
    private let ready = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var bound: Result<(frontend: String, backend: String), ZMQError>?
    private var started = false
    private var stopped = false

    /// A proxy binding `frontend` and `backend`; nothing happens until `start()`.
    /// - Throws: `ZMQError` when libzmq cannot create a context.
    public init(frontend: String, backend: String, highWaterMark: Int32 = 100_000) throws {
        self.frontend = frontend
        self.backend = backend
        self.highWaterMark = highWaterMark
        context = try Context()
    }

    deinit { stop() }

    /// Binds both sides on the proxy's thread and starts forwarding.
    /// - Returns: the endpoints actually bound (the real ports for `tcp://127.0.0.1:*`).
    /// - Throws: `ZMQError` when an endpoint cannot be bound (in use, malformed).
    @discardableResult
    public func start() throws(ZMQError) -> (frontend: String, backend: String) {
        lock.lock()
        let first = !started
        started = true
        lock.unlock()
        if first {
            let thread = Thread { [self] in run() }
            thread.name = "aed-proxy"
            thread.start()
            ready.wait()
        }
        lock.lock()
        defer { lock.unlock() }
        guard let bound else { throw ZMQError(operation: "proxy start", code: EINVAL) }
        return try bound.get()
    }

    /// Ends forwarding and waits for the proxy's thread; harmless before `start()` and twice.
    public func stop() {
        lock.lock()
        let running = started && !stopped && (try? bound?.get()) != nil
        stopped = true
        lock.unlock()
        guard running else { return }
        do {
            let control = try context.socket(.pair, lingerMilliseconds: 0)
            defer { control.close() }
            try control.connect(controlEndpoint)
            _ = try control.send("TERMINATE")
        } catch {
            return
        }
        ended.wait()
    }

    private func run() {
        defer { ended.signal() }
        let sockets: (xsub: Socket, xpub: Socket, control: Socket)
        do {
            let xsub = try context.socket(.xsub, lingerMilliseconds: 0)
            let xpub = try context.socket(.xpub, lingerMilliseconds: 0)
            let control = try context.socket(.pair, lingerMilliseconds: 0)
            try xsub.set(.receiveHighWaterMark(messages: highWaterMark))
            try xpub.set(.sendHighWaterMark(messages: highWaterMark))
            try control.bind(controlEndpoint)
            let front = try xsub.bind(frontend)
            let back = try xpub.bind(backend)
            sockets = (xsub, xpub, control)
            setBound(.success((front, back)))
        } catch let error as ZMQError {
            setBound(.failure(error))
            return
        } catch {
            setBound(.failure(ZMQError(operation: "proxy start", code: EINVAL)))
            return
        }
        // Returns when TERMINATE arrives on the control socket (or the context ends).
        _ = zmq_proxy_steerable(
            sockets.xsub.handle, sockets.xpub.handle, nil, sockets.control.handle)
        sockets.xsub.close()
        sockets.xpub.close()
        sockets.control.close()
    }

    private func setBound(_ result: Result<(frontend: String, backend: String), ZMQError>) {
        lock.lock()
        bound = result
        lock.unlock()
        ready.signal()
    }
}
