/// One feature's share of an anomaly score, as listed in an alert's top features.
///
/// Stored as JSON text `[{"feature": 3, "share": 0.41}, ...]`.
public struct FeatureContribution: Sendable, Equatable, Codable {
    /// The feature's index in the vector, from 0.
    public var feature: Int
    /// Its share of the score, in [0, 1] (e.g. its squared error over the total).
    public var share: Double

    /// Creates a contribution.
    public init(feature: Int, share: Double) {
        self.feature = feature
        self.share = share
    }
}
