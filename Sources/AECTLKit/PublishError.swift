/// Why `aectl publish` could not publish.
public enum PublishError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(file: String, reason: String)
    /// A line of the file is bad: `file:line: message`.
    case badLine(file: String, line: Int, message: String)
    /// The file has a header but no data rows.
    case noData(file: String)
    /// No subscriber (matching the stream) connected within the wait.
    case noSubscriber(endpoint: String, seconds: Double)
    /// The subscriber stopped taking messages for longer than the send timeout.
    case sendTimedOut(endpoint: String, sentVectors: Int)
    /// A socket failed.
    case transport(String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .badLine(let file, let line, let message): "\(file):\(line): \(message)"
        case .noData(let file): "\(file): no data rows after the header"
        case .noSubscriber(let endpoint, let seconds):
            "no subscriber for the stream at \(endpoint) within \(seconds) s (is aed running and listening there?"
                + (endpoint.hasPrefix("tcp://")
                    ? " With CURVE ingest, aed accepts only its server key (--curve-server-key) and an authorized key pair (--curve-key).)"
                    : ")")
        case .sendTimedOut(let endpoint, let sentVectors):
            "the subscriber at \(endpoint) stopped receiving after \(sentVectors) vectors"
        case .transport(let message): "ZeroMQ: \(message)"
        }
    }
}
