/// One feature's share of an anomaly score, as listed in an alert's top features.
///
/// On the wire (the alert PUB socket, the `alerts` reply) it is `{"index": 3, "share": 0.41}`;
/// the store keeps a list of them as JSON text `[{"feature": 3, "share": 0.41}, ...]` (written
/// and read at the store boundary, `Store.recordAlerts`).
public struct FeatureContribution: Sendable, Equatable, Codable {
    /// The feature's index in the vector, from 0.
    public var feature: Int
    /// Its share of the score, in [0, 1]: the score drop when the feature alone is set to its
    /// training mean, over the drops of all features.
    public var share: Double

    /// Creates a contribution.
    public init(feature: Int, share: Double) {
        self.feature = feature
        self.share = share
    }

    /// The wire keys: the feature's index is `index`.
    enum CodingKeys: String, CodingKey {
        case feature = "index"
        case share
    }
}
