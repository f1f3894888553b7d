import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP endpoint that serves `GET /metrics` in the Prometheus text format and the live page
/// `GET /` (HTML, `LivePageWriter`) (hummingbird), as a `Service` of the daemon's group.
///
/// Read-only: every other path is 404 and every other method on `/` and `/metrics` is 405
/// (`Allow: GET`); no request changes the daemon. A request waits (at most `snapshotTimeout`)
/// for the ingest thread's next status snapshot (`StatusSnapshots`; the page's with the recent
/// scores and alerts), renders it with `DaemonMetrics` or `LivePageWriter` and answers; a slow
/// client only holds its own connection. The server and its request handlers
/// run on a thread of their own (`ThreadTaskExecutor`) and on NIO's event loops, never on the
/// ingest thread, and not on Swift's cooperative pool either.
///
/// `run()` (the service group) and `start()`/`stop()` (the in-process, threads-only driver)
/// serve the same way; both report the bound port or the bind failure through `bound`.
final class MetricsEndpoint: Service, CustomStringConvertible, Sendable {
    let address: MetricsListenAddress
    let metrics: DaemonMetrics
    let snapshots: StatusSnapshots
    let logger: Logger
    /// The port bound (the real one for port 0), or why binding failed; set once.
    let bound = OneShot<Result<Int, DaemonError>>()
    /// The port it listens on, once it does (the real one for port 0).
    let listeningPort = Locked<Int?>(nil)
    private let executor = ThreadTaskExecutor(name: "aed-metrics")
    /// The in-process driver's group, and when it ended.
    private let detached = Locked<ServiceGroup?>(nil)
    private let ended = OneShot<Bool>()

    /// How long a scrape waits for the ingest thread's status reply before it answers with
    /// the last one, seconds.
    static let snapshotTimeout = 5.0
    /// The `Content-Type` of the Prometheus text format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// An endpoint on `address` rendering `metrics` from `snapshots`, logging to `logger`.
    init(address: MetricsListenAddress, metrics: DaemonMetrics, snapshots: StatusSnapshots, logger: Logger) {
        self.address = address
        self.metrics = metrics
        self.snapshots = snapshots
        self.logger = logger
    }

    var description: String { "metrics" }

    /// Serves until the group's graceful shutdown (or cancellation).
    /// - Throws: `DaemonError.metricsListen` when the address cannot be bound (in use, not an
    ///   address of this machine, no permission).
    func run() async throws {
        defer { executor.shutdown() }
        try await withTaskExecutorPreference(executor) { try await serve() }
    }

    private func serve() async throws {
        let application = Application(
            responder: responder(),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port)),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? address.port
                listeningPort.withLock { $0 = port }
                logger.info("metrics endpoint listening", metadata: ["address": "\(MetricsListenAddress(host: address.host, port: port))"])
                bound.set(.success(port))
            },
            logger: logger)
        do {
            try await application.run()
        } catch {
            guard listeningPort.withLock({ $0 }) == nil else { throw error }
            let failure = DaemonError.metricsListen(address: address.description, reason: "\(error)")
            bound.set(.failure(failure))
            throw failure
        }
        bound.set(.failure(.metricsListen(address: address.description, reason: "stopped before it listened")))
    }

    /// Answers one request: the live page (`/`), the metrics (`/metrics`), 404 or 405.
    private func responder() -> CallbackResponder<BasicRequestContext> {
        CallbackResponder { [metrics, snapshots] request, _ in
            let path = request.uri.path
            guard path == "/" || path == "/metrics" else {
                return Self.text(.notFound, "not found: aed serves GET / (the live page) and GET /metrics\n")
            }
            guard request.method == .get else {
                var response = Self.text(.methodNotAllowed, "method not allowed: GET \(path) only\n")
                response.headers[.allow] = "GET"
                return response
            }
            let page = path == "/"
            guard let snapshot = await snapshots.next(timeout: Self.snapshotTimeout, recent: page) else {
                return Self.text(.serviceUnavailable, "aed is starting: no status yet\n")
            }
            let now = Date().timeIntervalSince1970
            guard !page else {
                return Response(
                    status: .ok, headers: Self.pageHeaders,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: LivePageWriter.html(snapshot, now: now))))
            }
            let body = metrics.render(snapshot.status, now: now)
            return Response(
                status: .ok, headers: [.contentType: Self.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// The live page's headers: HTML, never cached, and a content security policy that allows
    /// nothing but its inline style (no scripts, no network, no frames).
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
    ]

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }

    // MARK: In-process driver

    /// Starts serving in a group of its own and blocks until the address is bound (a thread
    /// may call this; nothing here needs a cooperative thread).
    /// - Returns: the bound port.
    /// - Throws: `DaemonError.metricsListen` when the address cannot be bound.
    func start() throws -> Int {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [self], logger: logger))
        detached.withLock { $0 = group }
        Task(executorPreference: executor) { [ended] in
            try? await group.run()
            ended.set(true)
        }
        guard let result = bound.wait(timeout: Self.detachedTimeout) else {
            Task(executorPreference: executor) { await group.triggerGracefulShutdown() }
            throw DaemonError.metricsListen(
                address: address.description, reason: "not listening after \(Int(Self.detachedTimeout)) s")
        }
        return try result.get()
    }

    /// Stops what `start()` started and waits until the server closed, at most
    /// `stopTimeout` seconds.
    ///
    /// The wait is short because swift-service-lifecycle delivers a graceful shutdown through
    /// an unstructured task, which runs on the cooperative pool even for a group that prefers
    /// this endpoint's executor: while callers block every cooperative thread (tests stopping
    /// several daemons at once on a 2-core host) the server can only close after they move on,
    /// and a longer wait would only hold one of those threads longer. It then closes within
    /// moments; the port stays open until it does.
    func stop() {
        guard let group = detached.withLock({ $0 }) else { return }
        Task(executorPreference: executor) { await group.triggerGracefulShutdown() }
        if ended.wait(timeout: Self.stopTimeout) == nil {
            logger.debug("metrics endpoint still closing after a stop; not waiting for it")
        }
    }

    /// The longest `start()` waits for the bind, seconds.
    static let detachedTimeout = 10.0
    /// The longest `stop()` waits for the server to close, seconds.
    static let stopTimeout = 1.0
}
