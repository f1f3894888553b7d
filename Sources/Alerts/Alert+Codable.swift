extension Alert: Codable {
    /// The wire keys (the alert PUB socket, the `alerts` reply): `ts` is the vector time,
    /// `receivedAt` the receive time, `score` the anomaly score, and the episode is flattened
    /// into `episodeCount`, `lastTs`, `lastReceivedAt`, `maxScore` and `maxSeverity`.
    enum CodingKeys: String, CodingKey {
        case stream, ts, receivedAt, detector, score, threshold, severity, modelVersion, topFeatures
        case episodeCount, lastTs, lastReceivedAt, maxScore, maxSeverity
    }

    /// Reads an alert in the wire form. The episode keys are additive: without `episodeCount` (an
    /// aed before episodes were stored) `episode` is nil; a missing `last*` or `max*` key falls
    /// back to the alert's own value. `severity` is read as sent, not recomputed.
    ///
    /// - Throws: `DecodingError` when a key other than the episode's is missing or mistyped.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stream = try container.decode(String.self, forKey: .stream)
        vectorTime = try container.decode(Double.self, forKey: .ts)
        receiveTime = try container.decode(Double.self, forKey: .receivedAt)
        detector = try container.decode(String.self, forKey: .detector)
        anomalyScore = try container.decode(Double.self, forKey: .score)
        threshold = try container.decode(Double.self, forKey: .threshold)
        severity = try container.decode(Double.self, forKey: .severity)
        modelVersion = try container.decode(Int.self, forKey: .modelVersion)
        topFeatures = try container.decode([FeatureContribution].self, forKey: .topFeatures)
        if let count = try container.decodeIfPresent(Int.self, forKey: .episodeCount) {
            episode = AlertEpisode(
                count: count, lastVectorTime: try container.decodeIfPresent(Double.self, forKey: .lastTs) ?? vectorTime,
                lastReceiveTime: try container.decodeIfPresent(Double.self, forKey: .lastReceivedAt) ?? receiveTime,
                maxScore: try container.decodeIfPresent(Double.self, forKey: .maxScore) ?? anomalyScore,
                maxSeverity: try container.decodeIfPresent(Double.self, forKey: .maxSeverity) ?? severity)
        } else {
            episode = nil
        }
    }

    /// Writes the wire form, keys in the order above; the episode keys only when `episode` is
    /// set (aed sets it on every alert it sends, see `withEpisode`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stream, forKey: .stream)
        try container.encode(vectorTime, forKey: .ts)
        try container.encode(receiveTime, forKey: .receivedAt)
        try container.encode(detector, forKey: .detector)
        try container.encode(anomalyScore, forKey: .score)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(severity, forKey: .severity)
        try container.encode(modelVersion, forKey: .modelVersion)
        try container.encode(topFeatures, forKey: .topFeatures)
        if let episode {
            try container.encode(episode.count, forKey: .episodeCount)
            try container.encode(episode.lastVectorTime, forKey: .lastTs)
            try container.encode(episode.lastReceiveTime, forKey: .lastReceivedAt)
            try container.encode(episode.maxScore, forKey: .maxScore)
            try container.encode(episode.maxSeverity, forKey: .maxSeverity)
        }
    }
}
