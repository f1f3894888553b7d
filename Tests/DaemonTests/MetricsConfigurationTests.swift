import Foundation
import Testing

@testable import Daemon

/// `daemon.metrics_listen` and `--metrics-listen`: the forms accepted, loopback for a bare port,
/// errors that name the key, and a reload that leaves the endpoint where it is.
@Suite struct MetricsConfigurationTests {
    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464, true),
        ("9464", "127.0.0.1", 9464, true),
        ("localhost:9100", "127.0.0.1", 9100, true),
        ("[::1]:9464", "::1", 9464, true),
        ("0.0.0.0:9464", "0.0.0.0", 9464, false),
        ("192.168.1.20:80", "192.168.1.20", 80, false),
        ("[::]:9464", "::", 9464, false),
        ("127.0.0.1:0", "127.0.0.1", 0, true),
    ])
    func parsesAddresses(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try MetricsListenAddress.parse(text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
        #expect(try MetricsListenAddress.parse(address.description) == address)
    }

    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:-1", "127.0.0.1:http", "metrics.example:9464",
        "::1:9464", "[::1]", "[::1:9464", "[127.0.0.1]:9464", "tcp://127.0.0.1:9464", "1.2.3:9464", " :9464x",
    ])
    func refusesOtherText(text: String) {
        #expect(throws: MetricsListenAddress.ParseError.self) { try MetricsListenAddress.parse(text) }
    }

    @Test func theKeyIsOffByDefaultAndAnErrorNamesIt() throws {
        #expect(DaemonConfiguration().daemon.metricsListen == nil)
        #expect(try DaemonConfiguration.parse(toml: "[daemon]\nmetrics_listen = \"\"").daemon.metricsListen == nil)
        let parsed = try DaemonConfiguration.parse(toml: "[daemon]\nmetrics_listen = \"127.0.0.1:9464\"")
        #expect(parsed.daemon.metricsListen == MetricsListenAddress(host: "127.0.0.1", port: 9464))
        do {
            _ = try DaemonConfiguration.parse(toml: "[daemon]\nmetrics_listen = \"example.org:9464\"")
            Issue.record("a host name was accepted")
        } catch {
            #expect("\(error)".contains("daemon.metrics_listen"), "\(error)")
            #expect("\(error)".contains("not an IP address"), "\(error)")
        }
        #expect(throws: (any Error).self) { try DaemonConfiguration.parse(toml: "[daemon]\nmetrics_listen = 9464") }
    }

    @Test func theFlagOverridesTheFile() throws {
        let file = try DaemonConfiguration.parse(toml: "[daemon]\nmetrics_listen = \"127.0.0.1:9464\"")
        let moved = try file.applying(ConfigurationOverrides(metricsListen: "127.0.0.1:9500"))
        #expect(moved.daemon.metricsListen?.port == 9500)
        #expect(try file.applying(ConfigurationOverrides(metricsListen: "")).daemon.metricsListen == nil)
        do {
            _ = try file.applying(ConfigurationOverrides(metricsListen: "nine"))
            Issue.record("a bad --metrics-listen was accepted")
        } catch {
            #expect("\(error)".contains("--metrics-listen"), "\(error)")
        }
    }
}
