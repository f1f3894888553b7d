#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// Sends service notifications to systemd without libsystemd (see `sd_notify(3)`).
///
/// A notification is one datagram of `KEY=VALUE` lines (`READY=1`, `WATCHDOG=1`,
/// `STATUS=...`, `STOPPING=1`, `RELOADING=1`) sent to the unix socket named by the
/// `NOTIFY_SOCKET` environment variable: a filesystem path, or an abstract name when it
/// starts with `@`. Outside systemd (no `NOTIFY_SOCKET`) every call is a no-op.
public struct SystemdNotifier: Sendable {
    /// The socket address from `NOTIFY_SOCKET`, or `nil` when not under systemd.
    public let socketPath: String?
    /// The watchdog interval from `WATCHDOG_USEC`, in seconds, or `nil` when the watchdog is off.
    public let watchdogInterval: Double?

    /// A notifier for the environment `environment` (default: this process's).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"]
        socketPath = (path?.isEmpty ?? true) ? nil : path
        if let text = environment["WATCHDOG_USEC"], let micros = UInt64(text), micros > 0 {
            // WATCHDOG_PID, when set, must be ours.
            if let pid = environment["WATCHDOG_PID"], let value = Int32(pid), value != getpid() {
                watchdogInterval = nil
            } else {
                watchdogInterval = Double(micros) / 1_000_000
            }
        } else {
            watchdogInterval = nil
        }
    }

    /// Whether notifications go anywhere.
    public var isEnabled: Bool { socketPath != nil }

    /// `READY=1`: startup finished (sockets bound, models loaded).
    @discardableResult public func ready(status: String? = nil) -> Bool {
        send(status.map { "READY=1\nSTATUS=\($0)" } ?? "READY=1")
    }

    /// `WATCHDOG=1`: the service is alive; send at half the watchdog interval.
    @discardableResult public func watchdog() -> Bool { send("WATCHDOG=1") }

    /// `STATUS=...`: a one-line status shown by `systemctl status`.
    @discardableResult public func status(_ text: String) -> Bool {
        send("STATUS=\(text.replacingOccurrences(of: "\n", with: " "))")
    }

    /// `EXTEND_TIMEOUT_USEC=...`: the start (or stop) in progress needs `seconds` more, counted
    /// from now, before systemd's `TimeoutStartSec=` (`TimeoutStopSec=`) gives up on it
    /// (systemd 236 and later; sd_notify(3)). `status` goes along as `STATUS=`.
    @discardableResult public func extendTimeout(seconds: Double, status: String? = nil) -> Bool {
        let micros = UInt64(max(0, seconds) * 1_000_000)
        let line = "EXTEND_TIMEOUT_USEC=\(micros)"
        return send(status.map { line + "\nSTATUS=\($0.replacingOccurrences(of: "\n", with: " "))" } ?? line)
    }

    /// `STOPPING=1`: graceful shutdown began.
    @discardableResult public func stopping() -> Bool { send("STOPPING=1") }

    /// `RELOADING=1` then, after the reload, `READY=1` again.
    @discardableResult public func reloading() -> Bool { send("RELOADING=1") }

    /// Sends `message` as one datagram.
    /// - Returns: `true` when sent, `false` when disabled or the send failed (never throws:
    ///   losing a notification must not stop the daemon).
    @discardableResult public func send(_ message: String) -> Bool {
        guard let socketPath else { return false }
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
        }
        // Abstract names are not NUL-terminated: the length covers exactly the name.
        let length = MemoryLayout<sa_family_t>.size + pathBytes.count + (abstract ? 0 : 1)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress, socklen_t(length))
                }
            }
        }
        return sent == bytes.count
    }
}
