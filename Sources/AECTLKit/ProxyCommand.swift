import ArgumentParser
import Foundation
import ZeroMQ

/// `aectl proxy`: a forwarder between publishers and several daemons (README, *Scaling out*).
public struct ProxyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Forward vectors from publishers to several daemons, each receiving only its topics.",
        discussion: """
            Runs libzmq's own proxy (zmq_proxy) between an XSUB socket on --frontend, where \
            publishers connect as they would to one aed, and an XPUB socket on --backend, where \
            each daemon connects (daemon.connect = ["tcp://HOST:PORT"]) with its own \
            daemon.topics. The daemons' subscriptions travel up to the publishers, so each daemon \
            receives only the streams its prefixes name. Plaintext: run it where the network is \
            trusted, or on ipc endpoints. Runs until interrupted (SIGINT, SIGTERM).
            """)

    /// Where publishers connect.
    @Option(help: "Endpoint publishers connect to (XSUB), e.g. tcp://*:7600.")
    public var frontend: String

    /// Where daemons connect.
    @Option(help: "Endpoint daemons connect to (XPUB), e.g. tcp://*:7601.")
    public var backend: String

    /// Messages queued per peer on each side.
    @Option(name: .customLong("high-water-mark"), help: "Messages queued per publisher and per daemon before new ones are dropped.")
    public var highWaterMark: Int32 = 100_000

    public init() {}

    public func validate() throws {
        guard highWaterMark > 0 else { throw ValidationError("--high-water-mark must be positive") }
        guard frontend != backend else { throw ValidationError("--frontend and --backend must differ") }
    }

    public func run() throws {
        // Forward until a stop signal: blocked before any thread starts (libzmq's and the
        // proxy's inherit the mask) and taken synchronously below, so the sockets close cleanly.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let proxy: ForwardingProxy
        let endpoints: (frontend: String, backend: String)
        do {
            proxy = try ForwardingProxy(frontend: frontend, backend: backend, highWaterMark: highWaterMark)
            endpoints = try proxy.start()
        } catch {
            throw CommandFailure("aectl proxy: \(error)")
        }
        FileHandle.standardError.write(Data(
            "aectl proxy: publishers connect to \(endpoints.frontend), daemons to \(endpoints.backend)\n".utf8))
        var received: Int32 = 0
        sigwait(&signals, &received)
        proxy.stop()
        FileHandle.standardError.write(Data("aectl proxy: stopped\n".utf8))
    }
}
