#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing

@testable import Daemon

/// A bound unix datagram socket with a receive timeout, standing in for systemd.
final class NotifyListener {
    let fd: Int32
    let path: String

    init(abstract: Bool) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let name = "aed-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        path = abstract ? "@\(name)" : NSTemporaryDirectory() + name + ".sock"
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let length = MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if bound != 0 { throw POSIXError(.EADDRINUSE) }
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Discards every datagram already queued, without waiting.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}
    }

    deinit {
        close(fd)
        if !path.hasPrefix("@") { unlink(path) }
    }
}

@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func sendsDatagrams(abstract: Bool) throws {
        let listener = try NotifyListener(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path])
        #expect(notifier.isEnabled)
        #expect(notifier.ready(status: "scoring 2 streams"))
        #expect(listener.receive() == "READY=1\nSTATUS=scoring 2 streams")
        #expect(notifier.watchdog())
        #expect(listener.receive() == "WATCHDOG=1")
        #expect(notifier.status("a\nb"))
        #expect(listener.receive() == "STATUS=a b")
        #expect(notifier.stopping())
        #expect(listener.receive() == "STOPPING=1")
        #expect(notifier.extendTimeout(seconds: 30, status: "starting: x"))
        #expect(listener.receive() == "EXTEND_TIMEOUT_USEC=30000000\nSTATUS=starting: x")
    }

    @Test func startExtensionsComeUntilStoppedAndNameTheStep() throws {
        let listener = try NotifyListener(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path])
        let extender = try #require(StartTimeoutExtender(notifier: notifier, period: 0.05, grant: 2, limit: 3_600))
        extender.start()
        #expect(listener.receive() == "EXTEND_TIMEOUT_USEC=2000000\nSTATUS=starting: opening the store")
        extender.enter("restoring")
        var named = false
        for _ in 0..<100 where !named {
            named = listener.receive() == "EXTEND_TIMEOUT_USEC=2000000\nSTATUS=starting: restoring"
        }
        #expect(named)
        extender.stop()
        listener.drain()
        // Stopped: nothing more within the listener's receive timeout (100 periods).
        #expect(listener.receive() == nil)
    }

    @Test func startExtensionsStopAtTheirLimitAndNeedSystemd() throws {
        let listener = try NotifyListener(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path])
        // An extension that would reach past the limit is not sent: a wedged start still times out.
        let extender = try #require(StartTimeoutExtender(notifier: notifier, period: 0.05, grant: 10, limit: 5))
        extender.start()
        #expect(listener.receive() == nil)
        extender.stop()
        #expect(StartTimeoutExtender(notifier: SystemdNotifier(environment: [:])) == nil)
    }

    @Test func aDaemonExtendsItsStartTimeoutBeforeReady() throws {
        let listener = try NotifyListener(abstract: false)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path])
        let harness = try DaemonHarness(toml: smallModelTOML(), notifier: notifier)
        defer {
            harness.stop()
            harness.removeState()
        }
        var messages: [String] = []
        while let message = listener.receive(), !message.hasPrefix("READY=1") { messages.append(message) }
        #expect(messages.first?.hasPrefix("EXTEND_TIMEOUT_USEC=30000000\nSTATUS=starting: ") == true, "\(messages)")
    }

    @Test func disabledWithoutSocket() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.ready())
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func missingSocketFailsQuietly() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"])
        #expect(!notifier.ready())
    }

    @Test func watchdogInterval() {
        let ours = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(ours.watchdogInterval == 30)
        let other = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"])
        #expect(other.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "x"]).watchdogInterval == nil)
    }
}
