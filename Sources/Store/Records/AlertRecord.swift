/// A stored alert.
public struct AlertRecord: Sendable, Equatable {
    /// The row id; increases with insertion order.
    public var id: Int64
    /// The alert's fields as stored.
    public var alert: NewAlert

    /// Creates an alert record (the store creates these).
    public init(id: Int64, alert: NewAlert) {
        self.id = id
        self.alert = alert
    }
}
