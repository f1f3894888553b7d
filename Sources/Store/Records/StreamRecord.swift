/// A registered stream: its name and fixed vector dimension.
public struct StreamRecord: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// The stream name (the ZeroMQ topic), 1-128 bytes.
    public var name: String
    /// Features per vector; fixed for the stream's lifetime.
    public var dimension: Int
    /// When the stream was first registered, seconds since the Unix epoch.
    public var created: Double

    /// Creates a stream record (the store creates these; tests may too).
    public init(id: Int64, name: String, dimension: Int, created: Double) {
        self.id = id
        self.name = name
        self.dimension = dimension
        self.created = created
    }
}
