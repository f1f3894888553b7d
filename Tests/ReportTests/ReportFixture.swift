import Detectors
import Foundation
import Tensor
@testable import Report

/// Deterministic reports for tests and for looking at the page in a browser.
enum ReportFixture {
    /// A replay as `aed replay --report` would describe it: `vectors` vectors one minute apart
    /// (epoch times from 2024-03-04 00:00 UTC, or from 0 with `epoch: false`), the first quarter
    /// training rows; `ae` scores lognormal around 0.3 (threshold ≈ 1.2), `vae` scores around
    /// -20...40 (threshold ≈ 25); a level shift at 40 % raising scores tenfold for 500 vectors
    /// until a shift retrain; five labelled anomalies; weekly retrains, one failed, one skipped.
    static func realistic(vectors: Int = 40_000, epoch: Bool = true) -> ReplayReport {
        var random = SplitMix64(seed: 7)  // the same fixture on every run
        let t0 = epoch ? 1_709_510_400.0 : 0
        let step = 60.0
        let time = { (i: Int) in t0 + Double(i) * step }
        let trainRows = vectors / 4
        let shiftStart = vectors * 2 / 5, shiftAdapted = shiftStart + 500
        let anomalies = [0.3, 0.52, 0.61, 0.75, 0.9].enumerated().map { k, at in
            (start: Int(Double(vectors) * at), length: [40, 120, 25, 70, 15][k])
        }
        var labels = Array(repeating: false, count: vectors)
        for a in anomalies { for i in a.start..<min(vectors, a.start + a.length) { labels[i] = true } }

        // Retrains: initial after a day of rows, weekly, on the shift, plus a failure and a skip.
        let firstModel = 1440
        var retrainRows: [(row: Int, trigger: String, outcome: TrainingOutcome, reason: String?)] = [
            (firstModel, "initial", .trained, nil)
        ]
        for row in stride(from: firstModel + 7 * 1440, to: vectors, by: 7 * 1440) {
            retrainRows.append((row, "interval", .trained, nil))
        }
        retrainRows.append((shiftAdapted, "shift", .trained, "adopting the shifted level"))
        retrainRows.append((vectors * 7 / 10, "samples", .failed, "validation loss not finite (NaN at epoch 3)"))
        retrainRows.append((vectors * 17 / 20, "request", .skipped, "too little data: 212 vectors, need 500"))
        retrainRows.sort { $0.row < $1.row }

        var detectors: [DetectorTrace] = []
        var retrains: [RetrainMark] = []
        var episodes: [EpisodeRow] = []
        let featureNames = ["cpu_user", "mem_used", "disk<sda>&\"io\"", "net_rx", "net_tx", "load_1m", "tcp_retrans"]
        var alertedAny = Array(repeating: false, count: vectors)
        var detectorFacts: [String: (tp: Int, fp: Int, fn: Int)] = [:]
        for name in ["ae", "vae"] {
            let baseThreshold = name == "ae" ? 1.2 : 25.0
            var thresholds: [ThresholdStep] = []
            for mark in retrainRows {
                retrains.append(RetrainMark(
                    time: time(mark.row), detector: name, outcome: mark.outcome, trigger: mark.trigger,
                    reason: mark.reason))
                if mark.outcome == .trained {
                    let jitter = 1 + 0.08 * random.nextGaussian()
                    thresholds.append(ThresholdStep(start: time(mark.row), value: baseThreshold * jitter))
                }
            }
            var times: [Double] = [], scores: [Double] = [], alerts: [Double] = []
            var current = 0  // threshold step in force
            var open: (start: Int, end: Int, peak: Double)?
            var counts = (tp: 0, fp: 0, fn: 0)
            func closeEpisode() {
                guard let e = open else { return }
                let threshold = thresholds[max(0, current)].value
                var shares = (0..<3).map { _ in Double.random(in: 0.05...1, using: &random) }
                let total = shares.reduce(0, +) + 0.3
                shares = shares.map { $0 / total }.sorted(by: >)
                let names = featureNames.shuffled(using: &random).prefix(3)
                episodes.append(EpisodeRow(
                    detector: name, start: time(e.start), end: time(e.end),
                    vectors: max(1, Int(Double(e.end - e.start + 1) * 0.8)), peakScore: e.peak,
                    peakSeverity: e.peak / threshold,
                    topFeatures: zip(names, shares).map { FeatureShare(name: $0, share: $1) }))
                open = nil
            }
            for i in 0..<vectors {
                var score = name == "ae" ? 0.3 * exp(0.5 * random.nextGaussian()) : 5 + 8 * random.nextGaussian()
                if i >= shiftStart && i < shiftAdapted {
                    score = name == "ae" ? score * 10 : 40 + 6 * random.nextGaussian()
                }
                if labels[i] {
                    score = name == "ae" ? score * Double.random(in: 4...30, using: &random)
                        : 30 + abs(score) * Double.random(in: 1...4, using: &random)
                }
                times.append(time(i))
                scores.append(score)
                while current + 1 < thresholds.count && thresholds[current + 1].start <= time(i) { current += 1 }
                let alerted = i >= firstModel && score > thresholds[current].value
                if alerted {
                    alerts.append(time(i))
                    alertedAny[i] = true
                    if let e = open, i - e.end <= 10 {
                        open = (e.start, i, max(e.peak, score))
                    } else {
                        closeEpisode()
                        open = (i, i, score)
                    }
                }
                if i >= trainRows {
                    if alerted && labels[i] { counts.tp += 1 }
                    if alerted && !labels[i] { counts.fp += 1 }
                    if !alerted && labels[i] { counts.fn += 1 }
                }
            }
            closeEpisode()
            detectorFacts[name] = counts
            let (p, r) = (Double(counts.tp) / Double(max(1, counts.tp + counts.fp)),
                          Double(counts.tp) / Double(max(1, counts.tp + counts.fn)))
            detectors.append(DetectorTrace(
                name: name, times: times, scores: scores, thresholds: thresholds, alertTimes: alerts,
                facts: [
                    ReportFact("alerts", "\(alerts.count)"),
                    ReportFact("precision", String(format: "%.2f", p)),
                    ReportFact("recall", String(format: "%.2f", r)),
                ]))
        }
        var spans: [TimeSpan] = anomalies.map { TimeSpan(start: time($0.start), end: time($0.start + $0.length - 1)) }
        spans.removeAll { $0.end < time(trainRows) }
        let testAlerts = alertedAny[trainRows...].filter { $0 }.count
        // Point-wise metrics of "AE or VAE" over the scored rows, as `aed replay --json` has them.
        func falsePositiveRate(_ rows: Range<Int>) -> Double {
            let normal = rows.filter { !labels[$0] }
            return Double(normal.filter { alertedAny[$0] }.count) / Double(max(1, normal.count))
        }
        let scored = trainRows..<vectors
        let truePositives = scored.filter { alertedAny[$0] && labels[$0] }.count
        let precision = Double(truePositives) / Double(max(1, testAlerts))
        let recall = Double(truePositives) / Double(max(1, scored.filter { labels[$0] }.count))
        let f1 = 2 * precision * recall / max(1e-12, precision + recall)
        let tenth = scored.count / 10
        let worstTenth = (0..<10).map {
            falsePositiveRate((scored.lowerBound + $0 * tenth)..<(scored.lowerBound + ($0 + 1) * tenth))
        }.max() ?? 0
        return ReplayReport(
            title: "aed replay — smd_machine-1-7 (stream \"replay\")",
            facts: [
                ReportFact(
                    "vectors",
                    "\(Markup.count(vectors)) (\(Markup.count(trainRows)) training, \(Markup.count(vectors - trainRows)) scored)"),
                ReportFact("alerts (AE or VAE)", "\(testAlerts)"),
                ReportFact("episodes", "\(episodes.count)"),
                ReportFact("retrains", "\(retrains.count) (\(retrains.filter { $0.outcome == .trained }.count) promoted)"),
                ReportFact("shifts", "1"),
                ReportFact("precision / recall / F1", String(format: "%.2f / %.2f / %.2f", precision, recall, f1)),
                ReportFact("false-positive rate", String(format: "%.2f %% (target 1 %%)", 100 * falsePositiveRate(scored))),
                ReportFact("worst tenth FPR", String(format: "%.2f %%", 100 * worstTenth)),
                ReportFact("config", "etc/aed.toml"),
            ],
            detectors: detectors,
            labelledAnomalies: spans,
            trainingEnd: time(trainRows),
            retrains: retrains,
            shifts: [ShiftMark(time: time(shiftStart + 180), features: [
                FeatureShift(name: "cpu_user", sigmas: 38.2), FeatureShift(name: "mem_used", sigmas: -12.5),
            ])],
            episodes: episodes)
    }
}
