import Alerts
import Foundation
import Testing

/// The alert's wire form (the alert PUB socket, the `alerts` reply): its keys, the additive
/// episode keys, and a top feature's `index`.
@Suite struct AlertCodingTests {
    /// An alert as an aed before episodes were stored sent it.
    static let older =
        #"{"stream":"s","ts":1.5,"receivedAt":2.5,"detector":"ae","score":3,"threshold":1.5,"severity":2,"#
        + #""modelVersion":4,"topFeatures":[{"index":7,"share":0.75}]}"#

    @Test func anAlertWithoutEpisodeKeysDecodesAsAnEpisodeOfOne() throws {
        let alert = try JSONDecoder().decode(Alert.self, from: Data(Self.older.utf8))
        #expect(alert.stream == "s" && alert.vectorTime == 1.5 && alert.receiveTime == 2.5)
        #expect(alert.anomalyScore == 3 && alert.threshold == 1.5 && alert.severity == 2 && alert.modelVersion == 4)
        #expect(alert.topFeatures == [FeatureContribution(feature: 7, share: 0.75)])
        #expect(alert.episode == nil)
        #expect(alert.episodeCount == 1)
        #expect(
            alert.episodeOrSingle
                == AlertEpisode(count: 1, lastVectorTime: 1.5, lastReceiveTime: 2.5, maxScore: 3, maxSeverity: 2))
        // Without an episode no episode key is written; `withEpisode` writes the episode of one.
        let plain = String(decoding: try JSONEncoder().encode(alert), as: UTF8.self)
        #expect(!plain.contains("episodeCount") && !plain.contains("lastTs"))
        let written = try JSONDecoder().decode(Alert.self, from: JSONEncoder().encode(alert.withEpisode))
        #expect(written.episode == alert.episodeOrSingle)
    }

    @Test func severityIsReadAsSentAndMissingEpisodeKeysFallBackToTheAlertsOwn() throws {
        let json = Self.older.replacingOccurrences(of: #""severity":2"#, with: #""severity":7,"episodeCount":4"#)
        let alert = try JSONDecoder().decode(Alert.self, from: Data(json.utf8))
        #expect(alert.severity == 7)
        #expect(
            alert.episode == AlertEpisode(count: 4, lastVectorTime: 1.5, lastReceiveTime: 2.5, maxScore: 3, maxSeverity: 7))
    }

    @Test func aTopFeatureIsItsIndexOnTheWire() throws {
        let text = String(decoding: try JSONEncoder().encode(FeatureContribution(feature: 3, share: 0.5)), as: UTF8.self)
        #expect(text.contains(#""index":3"#) && !text.contains("feature"))
        #expect(try JSONDecoder().decode(FeatureContribution.self, from: Data(text.utf8)) == FeatureContribution(feature: 3, share: 0.5))
    }

    @Test func aMissingKeyIsADecodingError() {
        let json = Self.older.replacingOccurrences(of: #""score":3,"#, with: "")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Alert.self, from: Data(json.utf8)) }
    }
}
