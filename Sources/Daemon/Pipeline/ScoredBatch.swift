/// Every score of one scored micro-batch, for observers of the pipeline (the replay report).
struct ScoredBatch: Sendable {
    /// One model's scores of the batch.
    struct Scores: Sendable {
        /// Detector name (`ae`, `vae`, ...).
        var detector: String
        /// Anomaly scores, `[batch]`, higher is more anomalous.
        var scores: [Float]
        /// The threshold in force.
        var threshold: Double
        /// The model's version.
        var version: Int
    }

    /// The stream.
    var stream: String
    /// Vector time of each row, seconds.
    var vectorTimes: [Double]
    /// Whether each row alerted with any model.
    var alerted: [Bool]
    /// One entry per active model.
    var scores: [Scores]
}
