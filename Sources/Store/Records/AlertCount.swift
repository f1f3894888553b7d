/// The number of stored alerts of one stream and detector.
public struct AlertCount: Sendable, Equatable {
    /// The stream.
    public var stream: String
    /// The detector kind.
    public var detector: String
    /// Alerts stored (after retention).
    public var count: Int
    /// Receive time of the newest, seconds since the Unix epoch.
    public var lastReceiveTime: Double

    /// Creates a count.
    public init(stream: String, detector: String, count: Int, lastReceiveTime: Double) {
        self.stream = stream
        self.detector = detector
        self.count = count
        self.lastReceiveTime = lastReceiveTime
    }
}
