import Foundation

/// The text `aed replay` prints: one JSON object (`--json`), or a short table for a person.
public enum ReplayText {
    /// The summary as one JSON object with sorted keys (stable output for scripts and diffs).
    /// - Throws: `EncodingError` (not for finite figures).
    public static func json(_ summary: ReplaySummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    /// A few lines a person reads: counts, runs, shifts and, with labels, the figures.
    public static func table(_ summary: ReplaySummary) -> String {
        var lines: [String] = []
        lines.append(
            "stream \(summary.stream): \(summary.trainVectors) train rows, \(summary.vectors) rows replayed, \(summary.scored) scored")
        if summary.scored == 0 && summary.trainVectors + summary.vectors > 0 {
            // All zeros below would read as a detector that found nothing.
            lines.append(
                "nothing was scored: no model was trained from these \(summary.trainVectors + summary.vectors) rows "
                    + "(a stream's first model needs `min_samples` vectors of [defaults] or [streams.<name>]; "
                    + "lower it in --config, or pass a longer --train file)")
        }
        lines.append("alerts \(summary.alerts), episodes \(summary.episodes)")
        let byOutcome = Dictionary(grouping: summary.retrains, by: \.outcome.markLabel).mapValues(\.count)
        lines.append(
            "training runs \(summary.retrains.count)"
                + (byOutcome.isEmpty ? "" : " (" + byOutcome.keys.sorted().map { "\($0) \(byOutcome[$0] ?? 0)" }.joined(separator: ", ") + ")"))
        for shift in summary.shifts {
            let features = shift.features.prefix(4).map { "f\($0.index) \(String(format: "%+.1f", $0.sigmas))σ" }.joined(separator: ", ")
            lines.append(
                "level shift at t=\(format(shift.detected)) (from t=\(format(shift.started)), \(String(format: "%.0f%%", 100 * shift.alertRate)) alerting, \(shift.policy.rawValue)\(shift.adopted ? ", adopted" : "")): \(features.isEmpty ? "no single feature moved" : features)")
        }
        if let overall = summary.overall {
            lines.append("")
            lines.append("alerts from    precision  recall     F1      FPR   worst tenth FPR")
            func row(_ name: String, _ m: ReplayMetrics) -> String {
                let worst = m.fprByTenth.compactMap { $0 }.max() ?? 0
                return name.padding(toLength: 13, withPad: " ", startingAt: 0)
                    + String(format: "%10.3f %7.3f %7.3f %8.4f %10.4f", m.precision, m.recall, m.f1, m.fpr, worst)
            }
            lines.append(row("any detector", overall))
            for name in (summary.detectors ?? [:]).keys.sorted() {
                if let metrics = summary.detectors?[name] { lines.append(row(name, metrics)) }
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func format(_ time: Double) -> String {
        time > 1e9 ? ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: time)) : String(format: "%.0f", time)
    }
}
