import CZeroMQ

/// The events a poller waits for or reports (`ZMQ_POLLIN`, `ZMQ_POLLOUT`).
public struct PollEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    /// A message can be received without blocking.
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking.
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

/// Waits on several sockets at once through `zmq_poll`.
///
/// A poller belongs to the thread that owns its sockets (it is not `Sendable`) and keeps them
/// alive while registered.
public final class Poller {
    private var sockets: [Socket] = []
    private var items: [zmq_pollitem_t] = []

    /// Creates an empty poller.
    public init() {}

    /// Registers `socket` for `events` and returns its index in `poll`'s result.
    ///
    /// - Throws: `ZMQError` (`ENOTSOCK`) when the socket is closed.
    @discardableResult
    public func register(_ socket: Socket, for events: PollEvents = .readable) throws(ZMQError) -> Int {
        let handle = try socket.open("Poller.register")
        sockets.append(socket)
        items.append(zmq_pollitem_t(socket: handle, fd: 0, events: events.rawValue, revents: 0))
        return items.count - 1
    }

    /// The number of registered sockets.
    public var count: Int { items.count }

    /// Waits up to `timeoutMilliseconds` (-1 = forever, 0 = just check) for a registered event;
    /// returns the events that fired, one entry per registered socket in registration order.
    ///
    /// An interrupted wait (`EINTR`) is retried with the full timeout.
    /// - Throws: `ZMQError` (`ETERM` when the context shut down, `EFAULT`).
    public func poll(timeoutMilliseconds: Int) throws(ZMQError) -> [PollEvents] {
        let ready = try wait(timeoutMilliseconds: timeoutMilliseconds)
        if ready == 0 { return [PollEvents](repeating: [], count: items.count) }
        return items.map { PollEvents(rawValue: $0.revents) }
    }

    /// Waits like `poll` and returns only how many sockets are ready; read each with `isReady`.
    ///
    /// - Throws: `ZMQError` (`ETERM`, `EFAULT`).
    @discardableResult
    public func wait(timeoutMilliseconds: Int) throws(ZMQError) -> Int {
        for index in items.indices { items[index].revents = 0 }
        let count = Int32(items.count)
        let result = retryingOnInterrupt {
            items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, timeoutMilliseconds) }
        }
        if result < 0 { throw ZMQError.last("zmq_poll") }
        return Int(result)
    }

    /// True when socket `index` reported `events` in the last `wait` or `poll`.
    public func isReady(_ index: Int, for events: PollEvents = .readable) -> Bool {
        PollEvents(rawValue: items[index].revents).isSuperset(of: events)
    }
}
