import CZeroMQ

/// A ZeroMQ context: the owner of libzmq's I/O threads and the factory of sockets.
///
/// A context is thread-safe (libzmq guarantees it) and therefore `Sendable`. Every `Socket`
/// keeps its context alive, so `zmq_ctx_term` runs in `deinit` only after every socket is
/// closed; since each socket is created with a bounded linger, termination never hangs.
/// Call `shutdown()` to make blocking calls on other threads return with `ETERM`.
public final class Context: @unchecked Sendable {
    /// The `void *` handle of libzmq; immutable after `init`.
    let handle: UnsafeMutableRawPointer

    /// Creates a context with `ioThreads` background I/O threads (libzmq's default is 1).
    ///
    /// - Throws: `ZMQError` if libzmq cannot create the context or set the thread count.
    public init(ioThreads: Int32 = 1) throws {
        guard let handle = zmq_ctx_new() else {
            throw ZMQError.last("zmq_ctx_new")
        }
        self.handle = handle
        if ioThreads != 1 && zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) != 0 {
            let error = ZMQError.last("zmq_ctx_set(ZMQ_IO_THREADS, \(ioThreads))")
            zmq_ctx_term(handle)
            throw error
        }
    }

    /// Creates a socket of `type` owned by the calling thread, with linger set to
    /// `lingerMilliseconds` (bounded, so closing and terminating never hang).
    ///
    /// - Throws: `ZMQError` (e.g. `ETERM` after `shutdown()`, `EMFILE` when out of sockets).
    public func socket(_ type: SocketType, lingerMilliseconds: Int32 = Socket.defaultLingerMilliseconds) throws -> Socket {
        try Socket(context: self, type: type, lingerMilliseconds: lingerMilliseconds)
    }

    /// Shuts the context down: blocking operations on its sockets, in any thread, return
    /// `ETERM` and further socket creation fails. Sockets must still be closed.
    public func shutdown() {
        _ = zmq_ctx_shutdown(handle)
    }

    deinit {
        // Every socket holds a strong reference to its context, so all are closed by now.
        _ = retryingOnInterrupt { zmq_ctx_term(handle) }
    }
}

/// Library-wide facts: version and capabilities.
public enum ZeroMQLibrary {
    /// The linked libzmq version as `(major, minor, patch)`.
    public static var version: (major: Int32, minor: Int32, patch: Int32) {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (major, minor, patch)
    }

    /// True when libzmq was built with `capability`, e.g. `"curve"`, `"ipc"` (`zmq_has`).
    public static func has(_ capability: String) -> Bool {
        zmq_has(capability) == 1
    }
}
