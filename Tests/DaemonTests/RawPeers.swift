import Foundation
import ZeroMQ

/// A publisher that sends arbitrary frames (for bad-input tests): XPUB with no-drop, which
/// waits until aed's subscription arrives so nothing is lost to the slow-joiner effect.
final class RawPublisher {
    let context: Context
    let socket: Socket

    init(endpoint: String) throws {
        context = try Context()
        socket = try context.socket(.xpub, lingerMilliseconds: 2_000)
        try socket.set(.xpubNoDrop(true))
        try socket.set(.sendTimeout(milliseconds: 5_000))
        try socket.set(.receiveTimeout(milliseconds: 5_000))
        try socket.connect(endpoint)
        guard let frame = try socket.receiveFrame(), frame.first == 1 else {
            throw HarnessError("no subscription from aed within 5 s")
        }
    }

    func send(_ frames: [[UInt8]]) throws {
        guard try socket.sendMultipart(frames) else { throw HarnessError("send timed out") }
    }

    deinit {
        socket.close()
        context.shutdown()
    }
}

/// An AEV1 payload without timestamps or sequence numbers.
func binaryPayload(_ rows: [[Float]]) -> [UInt8] {
    var bytes = Array("AEV1".utf8)
    func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes.append(contentsOf: $0) } }
    u32(rows.first?.count ?? 0)
    u32(rows.count)
    u32(0)
    for row in rows { for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } } }
    return bytes
}

/// Sends raw bytes over a plain TCP connection (not ZMTP) to `endpoint` (`tcp://host:port`).
func sendRawTCP(to endpoint: String, bytes: [UInt8]) {
    guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":"),
        let port = UInt16(endpoint[endpoint.index(after: colon)...])
    else { return }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return }
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    usleep(100_000)
}
