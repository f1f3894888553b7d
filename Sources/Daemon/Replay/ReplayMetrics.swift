/// Point-wise detection figures of a replay over labelled vectors (no point adjustment).
public struct ReplayMetrics: Codable, Sendable, Equatable {
    /// Alerting anomalies over alerting vectors (0 when nothing alerted).
    public var precision: Double
    /// Alerting anomalies over anomalies (0 without anomalies).
    public var recall: Double
    /// Harmonic mean of precision and recall.
    public var f1: Double
    /// Share of normal (label 0) vectors that alerted.
    public var fpr: Double
    /// `fpr` over each tenth of the file, in order (nil for a tenth without normal vectors).
    public var fprByTenth: [Double?]

    enum CodingKeys: String, CodingKey {
        case precision, recall, f1, fpr
        case fprByTenth = "fpr_by_tenth"
    }

    /// The figures of `alerted` against `labels` (same length).
    init(alerted: [Bool], labels: [Int]) {
        var truePositives = 0, falsePositives = 0, anomalies = 0, normals = 0
        for (flag, label) in zip(alerted, labels) {
            if label == 1 {
                anomalies += 1
                if flag { truePositives += 1 }
            } else {
                normals += 1
                if flag { falsePositives += 1 }
            }
        }
        precision = truePositives + falsePositives > 0 ? Double(truePositives) / Double(truePositives + falsePositives) : 0
        recall = anomalies > 0 ? Double(truePositives) / Double(anomalies) : 0
        f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        fpr = normals > 0 ? Double(falsePositives) / Double(normals) : 0
        let count = labels.count
        fprByTenth = (0..<10).map { tenth in
            let range = (tenth * count / 10)..<((tenth + 1) * count / 10)
            var normal = 0, flagged = 0
            for index in range where labels[index] == 0 {
                normal += 1
                if alerted[index] { flagged += 1 }
            }
            return normal > 0 ? Double(flagged) / Double(normal) : nil
        }
    }
}
