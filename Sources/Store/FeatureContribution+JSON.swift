import Alerts
import Foundation

extension FeatureContribution {
    /// Encodes contributions as `[{"feature": 3, "share": 0.41}, ...]`, without JSONEncoder
    /// (this runs once per stored alert).
    ///
    /// - Precondition: every share is finite (checked by `Store.recordAlerts(_:)`).
    static func json(_ contributions: [FeatureContribution]) -> String {
        var text = "["
        for (index, contribution) in contributions.enumerated() {
            if index > 0 { text += ", " }
            text += "{\"feature\": "
            text += String(contribution.feature)
            text += ", \"share\": "
            text += String(contribution.share)
            text += "}"
        }
        text += "]"
        return text
    }

    /// Decodes the JSON written by `json(_:)` (the stored key is `feature`, not the wire's `index`).
    ///
    /// - Throws: `StoreError.corruptRecord` when the text is not such an array.
    static func decode(json text: String) throws -> [FeatureContribution] {
        do {
            return try JSONDecoder().decode([Stored].self, from: Data(text.utf8)).map {
                FeatureContribution(feature: $0.feature, share: $0.share)
            }
        } catch {
            throw StoreError.corruptRecord("alerts.top_features is not a feature list: \(text)")
        }
    }

    /// A contribution as the `alerts.top_features` column keeps it.
    private struct Stored: Decodable {
        var feature: Int
        var share: Double
    }
}
