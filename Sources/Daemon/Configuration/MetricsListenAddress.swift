import Foundation

/// The address the Prometheus metrics endpoint listens on (`daemon.metrics_listen`,
/// `--metrics-listen`): an IP literal and a TCP port.
///
/// Written `HOST:PORT` (`127.0.0.1:9464`), `[IPV6]:PORT` (`[::1]:9464`) or `PORT` alone, which
/// means loopback (`127.0.0.1`). `localhost` is taken as `127.0.0.1`. Port 0 picks a free port
/// (tests). Host names are refused: what a name resolves to can change under a running daemon,
/// and binding beyond loopback must be an explicit address (`0.0.0.0:9464`, a LAN address).
public struct MetricsListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The IP literal to bind, without brackets (`127.0.0.1`, `::1`, `0.0.0.0`).
    public var host: String
    /// The TCP port, 0 to 65535 (0: any free port).
    public var port: Int

    /// An address of `host` (an IP literal) and `port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Whether only this machine can connect (`127.0.0.0/8`, `::1`).
    public var isLoopback: Bool { host.hasPrefix("127.") || host == "::1" }

    /// The address as written in the configuration: `127.0.0.1:9464`, `[::1]:9464`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `text` (`HOST:PORT`, `[IPV6]:PORT` or `PORT`).
    /// - Throws: `MetricsListenAddress.ParseError` naming what is wrong (no port, a port out of
    ///   range, a host that is not an IP literal).
    public static func parse(_ text: String) throws(ParseError) -> MetricsListenAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host = "127.0.0.1"
        var portText = trimmed
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw ParseError("an IPv6 address needs a closing ']'") }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ParseError("expected [IPV6]:PORT") }
            portText = String(rest.dropFirst())
            guard isIPv6(host) else { throw ParseError("'\(host)' is not an IPv6 address") }
        } else if let colon = trimmed.lastIndex(of: ":") {
            host = String(trimmed[..<colon])
            portText = String(trimmed[trimmed.index(after: colon)...])
            if host == "localhost" { host = "127.0.0.1" }
            guard !host.contains(":") else { throw ParseError("write an IPv6 address in brackets: [::1]:9464") }
            guard isIPv4(host) else {
                throw ParseError("'\(host)' is not an IP address (host names are not accepted; 127.0.0.1 is loopback, 0.0.0.0 every interface)")
            }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), port <= 65_535
        else { throw ParseError("expected HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:9464") }
        return MetricsListenAddress(host: host, port: port)
    }

    /// Why a metrics address does not parse.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        /// What is wrong, in words.
        public var description: String
        init(_ description: String) { self.description = description }
    }

    private static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    private static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
