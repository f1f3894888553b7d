import Foundation

/// A control request from `aectl`: `{"cmd": "status"}`, `{"cmd": "retrain", "streams": [...]}`,
/// `{"cmd": "alerts", "stream": "s1", "since": 0, "limit": 100}`, `{"cmd": "runs", "stream": "s1"}`.
public struct ControlRequest: Codable, Sendable, Equatable {
    /// The command: `status`, `retrain`, `alerts`, `runs`, `ping`.
    public var cmd: String
    /// `retrain`: the streams to retrain (empty or absent = all).
    public var streams: [String]?
    /// `alerts`, `runs`: only this stream.
    public var stream: String?
    /// `alerts`: only alerts received at or after this time, seconds since the Unix epoch.
    public var since: Double?
    /// `alerts`, `runs`: at most this many (default 100, at most 10000).
    public var limit: Int?

    public init(cmd: String, streams: [String]? = nil, stream: String? = nil, since: Double? = nil, limit: Int? = nil) {
        self.cmd = cmd
        self.streams = streams
        self.stream = stream
        self.since = since
        self.limit = limit
    }
}

/// An error reply: `{"ok": false, "error": "..."}`.
public struct ControlErrorReply: Codable, Sendable, Equatable {
    public var ok = false
    public var error: String

    public init(error: String) { self.error = error }
}
