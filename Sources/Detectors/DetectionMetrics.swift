import Foundation

/// Threshold-free and thresholded detection quality of anomaly scores against 0/1 labels.
///
/// Scores follow the `anomalyScore` convention (higher = more anomalous); label 1 = anomaly.
public struct DetectionMetrics: Sendable, Codable, Equatable {
    /// Area under the ROC curve, ties counted as half (midranks), in [0, 1].
    public var auroc: Double
    /// Average precision, `sum_k (R_k - R_(k-1)) P_k` over distinct score thresholds, in [0, 1].
    public var auprc: Double
    /// The best F1 over all thresholds `score >= s` at distinct scores `s`.
    public var bestF1: Double
    /// The score `s` of the best F1 (alerts are `score >= s`).
    public var bestF1Threshold: Double
    /// The number of samples.
    public var samples: Int
    /// The number of anomalies (label 1).
    public var anomalies: Int

    /// Computes AUROC, AUPRC and best F1.
    /// - Throws: `DetectorError.invalidLabels` when counts differ, a label is not 0 or 1, or one
    ///   class is missing.
    public init(scores: [Float], labels: [Int]) throws {
        try Self.validate(scores: scores, labels: labels)
        auroc = Self.auroc(scores: scores, labels: labels)
        auprc = Self.averagePrecision(scores: scores, labels: labels)
        let best = Self.bestF1(scores: scores, labels: labels)
        bestF1 = best.f1
        bestF1Threshold = best.threshold
        samples = scores.count
        anomalies = labels.reduce(0, +)
    }

    static func validate(scores: [Float], labels: [Int]) throws {
        guard scores.count == labels.count else {
            throw DetectorError.invalidLabels("\(labels.count) labels for \(scores.count) scores")
        }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
            throw DetectorError.invalidLabels("labels must be 0 or 1")
        }
        let positives = labels.reduce(0, +)
        guard positives > 0, positives < labels.count else {
            throw DetectorError.invalidLabels("both classes must be present (\(positives) anomalies of \(labels.count))")
        }
    }

    /// Scores as `Double`, NaN mapped to `+infinity` (a non-finite score is maximally anomalous).
    static func ordered(_ scores: [Float]) -> [Double] {
        scores.map { $0.isNaN ? Double.infinity : Double($0) }
    }

    /// AUROC by the Mann-Whitney statistic with midranks for ties:
    /// `(sum of positive ranks - P (P + 1) / 2) / (P N)`.
    /// - Precondition: both classes present, equal counts.
    public static func auroc(scores: [Float], labels: [Int]) -> Double {
        precondition(scores.count == labels.count, "auroc: \(scores.count) scores vs \(labels.count) labels")
        let s = ordered(scores)
        let order = s.indices.sorted { s[$0] < s[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && s[order[j + 1]] == s[order[i]] { j += 1 }
            let midrank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] == 1 { rankSum += midrank }
            i = j + 1
        }
        let p = Double(labels.reduce(0, +))
        let n = Double(labels.count) - p
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// Precision and recall at each distinct threshold, highest score first; tied scores enter together.
    static func curve(scores: [Float], labels: [Int]) -> [(threshold: Double, tp: Int, fp: Int)] {
        let s = ordered(scores)
        let order = s.indices.sorted { s[$0] > s[$1] }
        var points: [(Double, Int, Int)] = []
        var tp = 0, fp = 0, i = 0
        while i < order.count {
            let value = s[order[i]]
            while i < order.count && s[order[i]] == value {
                if labels[order[i]] == 1 { tp += 1 } else { fp += 1 }
                i += 1
            }
            points.append((value, tp, fp))
        }
        return points
    }

    /// Average precision (area under the precision-recall curve, step-wise, as scikit-learn).
    /// - Precondition: at least one anomaly, equal counts.
    public static func averagePrecision(scores: [Float], labels: [Int]) -> Double {
        precondition(scores.count == labels.count, "averagePrecision: \(scores.count) scores vs \(labels.count) labels")
        let positives = Double(labels.reduce(0, +))
        var ap = 0.0, previousRecall = 0.0
        for point in curve(scores: scores, labels: labels) {
            let recall = Double(point.tp) / positives
            let precision = Double(point.tp) / Double(point.tp + point.fp)
            ap += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return ap
    }

    /// The best F1 over thresholds `score >= s` for every distinct score `s`, and that `s`.
    public static func bestF1(scores: [Float], labels: [Int]) -> (f1: Double, threshold: Double) {
        precondition(scores.count == labels.count, "bestF1: \(scores.count) scores vs \(labels.count) labels")
        let positives = labels.reduce(0, +)
        var best = (f1: 0.0, threshold: Double.infinity)
        for point in curve(scores: scores, labels: labels) {
            let f1 = 2 * Double(point.tp) / Double(positives + point.tp + point.fp)
            if f1 > best.f1 { best = (f1, point.threshold) }
        }
        return best
    }

    /// F1 of the alerts `score > threshold` (the daemon's rule), `2 TP / (2 TP + FP + FN)`; 0 without alerts
    /// and anomalies.
    public static func f1(scores: [Float], labels: [Int], threshold: Double) -> Double {
        precondition(scores.count == labels.count, "f1: \(scores.count) scores vs \(labels.count) labels")
        var tp = 0, fp = 0, fn = 0
        for (score, label) in zip(ordered(scores), labels) {
            let alert = score > threshold
            if alert && label == 1 { tp += 1 } else if alert { fp += 1 } else if label == 1 { fn += 1 }
        }
        let denominator = 2 * tp + fp + fn
        return denominator == 0 ? 0 : 2 * Double(tp) / Double(denominator)
    }
}
