import Foundation
import Logging
import Wire
import ZeroMQ

/// CURVE on the daemon's tcp sockets: the ZAP handler that decides which client keys may
/// connect (ZeroMQ RFC 27), the monitors of the CURVE sockets, and the refused handshakes
/// they report, counted by side and reason and logged at a bounded rate.
///
/// The ZAP handler answers on its own thread; the monitors are read by the ingest thread, which
/// owns the monitored sockets. A client refused by the handler shows as `unauthorized-key`; a
/// client that uses a wrong server key never reaches the handler, but its first message does
/// not decrypt (`wrong-server-key`); a plaintext client fails on the mechanism
/// (`mechanism-mismatch`, or `handshake-error` when the client hangs up first). A refused client
/// may reconnect and fail again, so a count is of handshakes, not of clients.
final class CurveGuard {
    /// A side of the daemon: the ZAP domain, monitor endpoint and status key of its sockets.
    enum Side: String, CaseIterable {
        case ingest, control

        var domain: String { self == .ingest ? CurveSettings.ingestDomain : CurveSettings.controlDomain }
        var monitorEndpoint: String { "inproc://aed-monitor-\(rawValue)" }
    }

    /// The settings the handler decides with; replaced by a reload (new authorized keys).
    let settings: Locked<CurveSettings>
    private let handler: ZAPHandler
    private let logger: Logger
    /// The last `unauthorized-key` the handler refused: key, address, time (for status).
    private let lastDenied: Locked<(key: String, address: String, time: Double)?>
    /// The monitor PAIR sockets, by side (ingest thread only).
    private(set) var monitors: [(side: Side, socket: Socket)] = []
    /// Refused handshakes by side and reason (ingest thread only).
    private var refused: [Side: [String: Int]] = [:]
    private var lastRefused: RefusedHandshakeStatus?
    private var lastLog: [String: Double] = [:]
    /// Refusals not logged since the last line, per side and reason.
    private var unlogged: [String: Int] = [:]

    /// Starts the ZAP handler of `context` for `settings`; returns once it is bound, before any
    /// CURVE socket exists.
    /// - Throws: `ZMQError` when the handler cannot bind.
    init(context: Context, settings: CurveSettings, logger: Logger) throws {
        let shared = Locked(settings)
        let lastDenied = Locked<(key: String, address: String, time: Double)?>(nil)
        // When the handler last logged a refusal, per domain (at most one line per 10 s each).
        let lastDenialLog = Locked<[String: Double]>([:])
        self.settings = shared
        self.lastDenied = lastDenied
        self.logger = logger
        handler = ZAPHandler(context: context) { request in
            let now = Date().timeIntervalSince1970
            guard request.mechanism == "CURVE", let key = request.curvePublicKey else {
                return .deny(reason: "CURVE required")
            }
            if shared.withLock({ $0.authorizes(key, domain: request.domain) }) { return .allow(userID: key) }
            lastDenied.withLock { $0 = (key, request.address, now) }
            let logNow = lastDenialLog.withLock { last -> Bool in
                guard now - (last[request.domain] ?? -.infinity) >= 10 else { return false }
                last[request.domain] = now
                return true
            }
            if logNow {
                logger.warning(
                    "refused a CURVE client whose key is not authorized (at most one line per 10 s)",
                    metadata: ["domain": "\(request.domain)", "key": "\(key)", "address": "\(request.address)"])
            }
            return .deny(reason: "key not authorized")
        }
        try handler.start()
    }

    /// Makes `socket` a CURVE server of `side`: server key, ZAP domain, a handshake fails when
    /// no handler answers (where libzmq offers it), and a monitor of its failed handshakes,
    /// read through a PAIR socket this guard keeps. Call before `bind` or `connect`.
    /// - Throws: `ZMQError`.
    func secure(_ socket: Socket, side: Side, context: Context) throws {
        let keys = settings.withLock { $0.serverKeys }
        try socket.makeCurveServer(keys: keys)
        try socket.set(.zapDomain(side.domain))
        do {
            try socket.set(.zapEnforceDomain(true))
        } catch {
            // libzmq without draft options: the handler is bound before every CURVE socket and
            // stopped after they close, so a handshake never runs without it.
            logger.debug("ZMQ_ZAP_ENFORCE_DOMAIN not available", metadata: ["error": "\(error)"])
        }
        try socket.set(.handshakeInterval(milliseconds: 10_000))
        try socket.monitor(at: side.monitorEndpoint, events: .handshakeFailures)
        let reader = try context.socket(.pair, lingerMilliseconds: 0)
        try reader.connect(side.monitorEndpoint)
        monitors.append((side, reader))
    }

    /// Reads every ready event of monitor `index` and counts it.
    func drainMonitor(_ index: Int, now: Double) {
        let (side, socket) = monitors[index]
        while let event = try? socket.receiveMonitorEvent(dontWait: true) {
            record(event, side: side, now: now)
        }
    }

    /// Counts one failed handshake on `side` and logs it at a bounded rate (one line per side
    /// and reason per 10 s, with how many were not logged since the last).
    func record(_ event: MonitorEvent, side: Side, now: Double) {
        let reason = Self.reason(event)
        refused[side, default: [:]][reason, default: 0] += 1
        var status = RefusedHandshakeStatus(
            side: side.rawValue, reason: reason, endpoint: event.endpoint, time: now, detail: Self.detail(event))
        if reason == "unauthorized-key", let denied = lastDenied.withLock({ $0 }) {
            status.clientKey = denied.key
            status.clientAddress = denied.address
        }
        lastRefused = status
        let key = "\(side.rawValue)/\(reason)"
        guard now - (lastLog[key] ?? -.infinity) >= 10 else {
            unlogged[key, default: 0] += 1
            return
        }
        lastLog[key] = now
        // Unauthorized keys are logged by the handler, with the key and the address.
        if reason != "unauthorized-key" {
            logger.warning(
                "refused a CURVE handshake (at most one line per 10 s per reason)",
                metadata: [
                    "side": "\(side.rawValue)", "reason": "\(reason)", "endpoint": "\(event.endpoint)",
                    "detail": "\(Self.detail(event))",
                    "not logged since the last line": "\(unlogged[key] ?? 0)", "hint": "\(Self.hint(reason))",
                ])
        }
        unlogged[key] = 0
    }

    /// The status reason of a failed-handshake event.
    static func reason(_ event: MonitorEvent) -> String {
        switch event.event {
        case .handshakeFailedAuth: "unauthorized-key"
        case .handshakeFailedProtocol where event.value == MonitorEvent.protocolErrorCryptographic: "wrong-server-key"
        case .handshakeFailedProtocol where event.value == MonitorEvent.protocolErrorMechanismMismatch: "mechanism-mismatch"
        case .handshakeFailedProtocol: "protocol"
        default: "handshake-error"
        }
    }

    /// libzmq's detail of a failed-handshake event: the ZAP status, protocol error or `errno`.
    static func detail(_ event: MonitorEvent) -> String {
        switch event.event {
        case .handshakeFailedAuth: "ZAP status \(event.value)"
        case .handshakeFailedProtocol: "protocol error 0x\(String(event.value, radix: 16))"
        default: "errno \(event.value) (\(String(cString: strerror(Int32(bitPattern: event.value)))))"
        }
    }

    /// What an operator does about `reason`.
    static func hint(_ reason: String) -> String {
        switch reason {
        case "wrong-server-key": "the client's server key is not this daemon's public key (aectl status --json: daemon.curve.serverKey)"
        case "mechanism-mismatch": "the client does not use CURVE: give it the server key and a key pair"
        default: "see the libzmq handshake error"
        }
    }

    /// The status of CURVE and the refused handshakes.
    var status: CurveStatus {
        let current = settings.withLock { $0 }
        return CurveStatus(
            serverKey: current.serverKeys.publicKey, ingest: current.ingest, control: current.control,
            ingestKeys: current.ingestKeys.count, controlKeys: current.controlKeys.count,
            ingestRefused: refused[.ingest] ?? [:], controlRefused: refused[.control] ?? [:], lastRefused: lastRefused)
    }

    /// Closes the monitor readers and stops the ZAP handler: call after the CURVE sockets closed.
    func stop() {
        for monitor in monitors { monitor.socket.close() }
        monitors = []
        handler.stop()
    }
}
