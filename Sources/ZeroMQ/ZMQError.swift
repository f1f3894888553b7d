import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reported by libzmq: the failing operation, its `errno` and `zmq_strerror` text.
///
/// Bad environment (an endpoint that cannot be bound, a terminated context, a timeout) reaches
/// the caller as this error; nothing in the wrapper traps on it.
public struct ZMQError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libzmq call or wrapper operation that failed, e.g. `"zmq_bind(tcp://127.0.0.1:*)"`.
    public let operation: String
    /// The `errno` value libzmq reported (`zmq_errno()`), e.g. `EAGAIN`, `ETERM`.
    public let code: Int32
    /// The text of `zmq_strerror(code)`.
    public let message: String

    /// Creates an error for `operation` with `code`, reading the message from `zmq_strerror`.
    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
        if let text = zmq_strerror(code) {
            self.message = String(cString: text)
        } else {
            self.message = "errno \(code)"
        }
    }

    /// Captures `zmq_errno()` right after a failed call.
    static func last(_ operation: @autoclosure () -> String) -> ZMQError {
        ZMQError(operation: operation(), code: zmq_errno())
    }

    /// True when the operation timed out or would have blocked (`EAGAIN`).
    public var isTimeout: Bool { code == EAGAIN }

    /// True when the socket's context was shut down or terminated (`ETERM`).
    public var isContextTerminated: Bool { code == ETERM }

    public var description: String { "\(operation): \(message) (errno \(code))" }
}

/// Runs `body` until it returns something other than -1 with `EINTR`.
///
/// libzmq returns -1 with `errno == EINTR` when a signal interrupts a blocking call; the call is
/// simply retried. Returns the first result that is not an interrupted failure.
@inline(__always)
func retryingOnInterrupt(_ body: () -> Int32) -> Int32 {
    while true {
        let result = body()
        if result == -1 && zmq_errno() == EINTR { continue }
        return result
    }
}
