import Alerts

/// A stored alert: its row id and the alert.
public struct AlertRecord: Sendable, Equatable {
    /// The row id; increases with insertion order.
    public var id: Int64
    /// The alert's fields as stored.
    public var alert: Alert

    /// Creates an alert record (the store creates these).
    public init(id: Int64, alert: Alert) {
        self.id = id
        self.alert = alert
    }
}
