import Alerts
import Foundation
import Report
import Wire

/// Turns a replay's outcome into the report page (`aed replay --report FILE.html`).
public enum ReplayReportWriter {
    /// The report of `outcome`, titled after `title` (usually the `--file` name).
    public static func report(_ outcome: ReplayOutcome, title: String) -> ReplayReport {
        let summary = outcome.summary
        let names = outcome.featureNames
        func name(_ index: Int) -> String { index < names.count ? names[index] : "f\(index)" }
        var facts = [
            ReportFact("stream", summary.stream),
            ReportFact("train rows", "\(summary.trainVectors)"),
            ReportFact("rows replayed", "\(summary.vectors) (\(summary.scored) scored)"),
            ReportFact("alerts / episodes", "\(summary.alerts) / \(summary.episodes)"),
            ReportFact("training runs", "\(summary.retrains.count) (\(summary.retrains.filter { $0.outcome == .trained }.count) promoted)"),
            ReportFact("level shifts", "\(summary.shifts.count)"),
        ]
        if let overall = summary.overall {
            facts.append(ReportFact("any detector: precision / recall / F1", String(format: "%.3f / %.3f / %.3f", overall.precision, overall.recall, overall.f1)))
            facts.append(ReportFact("any detector: false-positive rate", String(format: "%.4f (worst tenth %.4f)", overall.fpr, overall.fprByTenth.compactMap { $0 }.max() ?? 0)))
        }
        let traces = outcome.traces.map { trace -> DetectorTrace in
            var steps: [ThresholdStep] = []
            var alertTimes: [Double] = []
            var trainAlerts = 0
            for (index, threshold) in trace.thresholds.enumerated() where !threshold.isNaN {
                if steps.last?.value != threshold { steps.append(ThresholdStep(start: outcome.times[index], value: threshold)) }
                if trace.alerted[index] {
                    alertTimes.append(outcome.times[index])
                    if index < outcome.trainRows { trainAlerts += 1 }
                }
            }
            // As the summary counts them: alerts of the --file rows; the train rows' apart.
            let fileAlerts = alertTimes.count - trainAlerts
            var detectorFacts: [ReportFact] = [
                ReportFact("alerts", trainAlerts > 0 ? "\(fileAlerts) (and \(trainAlerts) during the train rows)" : "\(fileAlerts)")
            ]
            if let metrics = summary.detectors?[trace.detector] {
                detectorFacts.append(ReportFact("precision / recall / F1", String(format: "%.3f / %.3f / %.3f", metrics.precision, metrics.recall, metrics.f1)))
                detectorFacts.append(ReportFact("false-positive rate", String(format: "%.4f", metrics.fpr)))
            }
            // Rows before the first model (warming) have no score: leave them out of the trace.
            let scored = trace.scores.indices.filter { !trace.scores[$0].isNaN }
            return DetectorTrace(
                name: trace.detector, times: scored.map { outcome.times[$0] }, scores: scored.map { Double(trace.scores[$0]) },
                thresholds: steps, alertTimes: alertTimes, facts: detectorFacts)
        }
        var spans: [TimeSpan] = []
        if let labels = outcome.labels {
            var start: Int?
            for (index, label) in labels.enumerated() {
                let row = outcome.trainRows + index
                if label == 1, start == nil { start = row }
                if label != 1 || index == labels.count - 1, let first = start {
                    let last = label == 1 ? row : row - 1
                    spans.append(TimeSpan(start: outcome.times[first], end: outcome.times[last]))
                    start = nil
                }
            }
        }
        let retrains = summary.retrains.map {
            RetrainMark(time: $0.time, detector: $0.detector, outcome: $0.outcome, trigger: $0.trigger.rawValue, reason: $0.reason)
        }
        let shifts = summary.shifts.map { shift in
            ShiftMark(
                time: shift.detected, features: shift.features.map { FeatureShift(name: name($0.index), sigmas: $0.sigmas) },
                reversion: shift.reversion)
        }
        let episodes = outcome.episodes.map { alert in
            let episode = alert.episodeOrSingle
            return EpisodeRow(
                detector: alert.detector, start: alert.vectorTime, end: episode.lastVectorTime, vectors: episode.count,
                peakScore: episode.maxScore, peakSeverity: episode.maxSeverity,
                topFeatures: alert.topFeatures.map { FeatureShare(name: name($0.feature), share: $0.share) })
        }
        return ReplayReport(
            title: "aed replay — \(title) (stream \"\(summary.stream)\")", facts: facts, detectors: traces,
            labelledAnomalies: spans, trainingEnd: outcome.trainRows > 0 && outcome.trainRows < outcome.times.count ? outcome.times[outcome.trainRows] : nil,
            retrains: retrains, shifts: shifts, episodes: episodes)
    }

    /// Writes the report page of `outcome` to `path`, atomically.
    /// - Throws: `ReportWriteError` when the file cannot be written.
    public static func write(_ outcome: ReplayOutcome, title: String, to path: String) throws {
        try ReplayReportPage.write(report(outcome, title: title), to: URL(fileURLWithPath: path))
    }
}
