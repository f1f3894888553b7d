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

    /// Decodes the JSON written by `json(_:)`.
    ///
    /// - Throws: `StoreError.corruptRecord` when the text is not such an array.
    static func decode(json text: String) throws -> [FeatureContribution] {
        do {
            return try JSONDecoder().decode([FeatureContribution].self, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRecord("alerts.top_features is not a feature list: \(text)")
        }
    }
}
