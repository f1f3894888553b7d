import Alerts
import Foundation
import Report
import Store
import Wire

/// Turns a status snapshot into the live page of the metrics endpoint (`GET /`): the daemon at
/// a glance and, per stream and detector, the recent anomaly scores against the threshold,
/// drawn by the replay report's chart renderer (`LivePage`, `ScoreChart`).
///
/// It reads only the snapshot (built by the ingest thread, `StatusSnapshots`), never the
/// pipeline. Feature names are not known to aed: features are named by index (`f3`).
enum LivePageWriter {
    /// Seconds after which the page reloads itself.
    static let refreshSeconds = 10

    /// The page's HTML for `snapshot` at wall-clock time `now` (seconds since the Unix epoch).
    static func html(_ snapshot: StatusSnapshot, now: Double, host: String = hostName()) -> String {
        LivePage.html(report(snapshot, now: now, host: host))
    }

    /// The page's content for `snapshot` at wall-clock time `now`, on host `host`.
    static func report(_ snapshot: StatusSnapshot, now: Double, host: String) -> LiveReport {
        let status = snapshot.status
        let daemon = status.daemon
        var subtitle = "as of \(TimeFormat.instant(now.rounded(.down), style: .epoch)) UTC · aed \(daemon.version)"
        subtitle += " · up \(TimeFormat.duration(daemon.uptimeSeconds)) · pid \(daemon.pid)"
        let charted = StatusSnapshot.chartedStreams(status.streams)
        let byName = Dictionary(status.streams.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var charts: [StreamCharts] = []
        for name in charted {
            guard let stream = byName[name] else { continue }
            charts.append(streamCharts(stream, scores: snapshot.recentScores[name]))
        }
        var note = "The last \(Markup.count(RecentScores.defaultCapacity)) anomaly scores of each detector"
            + " (higher is more anomalous) by vector time, UTC."
        if status.streams.count > charted.count {
            note += " Charts for \(charted.count) of \(Markup.count(status.streams.count)) streams:"
                + " the highest recent alert rate against the target first."
        }
        return LiveReport(
            title: "aed on \(host)", subtitle: subtitle, refreshSeconds: refreshSeconds, facts: facts(status),
            tables: [streamTable(status.streams), modelTable(status.streams, now: now)], streams: charts,
            chartNote: note, details: [alertTable(snapshot.recentAlerts), shiftTable(status.streams)])
    }

    // MARK: The daemon at a glance

    static func facts(_ status: StatusReply) -> [ReportFact] {
        let streams = status.streams
        var states: [String] = []
        for state in StreamState.allCases {
            let count = streams.filter { $0.state == state }.count
            if count > 0 { states.append("\(count) \(state.rawValue)") }
        }
        let rate = streams.reduce(0) { $0 + ($1.scoredRate ?? 0) }
        let rejected = status.ingest.rejected.values.reduce(0, +)
        var facts = [
            ReportFact("streams", "\(streams.count)" + (states.isEmpty ? "" : " (\(states.joined(separator: ", ")))")),
            ReportFact("vectors received", Markup.count(status.ingest.received)),
            ReportFact("vectors scored", "\(Markup.count(status.ingest.scored)) (\(Markup.number(rate)) /s)"),
            ReportFact(
                "vectors rejected",
                Markup.count(rejected) + (rejected > 0 ? " (\(reasons(status.ingest.rejected)))" : "")),
            ReportFact("alerts stored / lost", "\(Markup.count(status.alertsWritten ?? 0)) / \(Markup.count(status.alertsDropped ?? 0))"),
            ReportFact("training now", status.training ?? "—"),
        ]
        if let bytes = status.ingest.queuedBytes {
            let limit = status.ingest.maxQueueBytes.map { " of \(ByteCount.text($0))" } ?? ""
            facts.append(ReportFact(
                "ingest backlog", "\(Markup.count(status.ingest.queuedMessages ?? 0)) messages (\(ByteCount.text(bytes))\(limit))"))
        }
        if let storage = status.daemon.storage {
            var text = storage.writesFailing == true
                ? "WRITES FAILING: \(storage.lastWriteError?.cause ?? storage.lastWriteError?.message ?? "unknown")"
                : "writing"
            text += ", WAL \(ByteCount.text(storage.walBytes))"
            if let pending = storage.pendingAlerts, pending > 0 { text += ", \(Markup.count(pending)) alerts waiting" }
            facts.append(ReportFact("storage", text))
        }
        facts.append(ReportFact("BLAS kernel", status.daemon.blasKernel ?? "—"))
        return facts
    }

    // MARK: Tables

    static func streamTable(_ streams: [StreamStatus]) -> ReportTable {
        let columns = [
            ReportColumn("stream"), ReportColumn("state"), ReportColumn("features", numeric: true),
            ReportColumn("received", numeric: true), ReportColumn("scored", numeric: true),
            ReportColumn("vectors/s", numeric: true), ReportColumn("rejected", numeric: true),
            ReportColumn("alerts", numeric: true), ReportColumn("recent alert rate", numeric: true),
            ReportColumn("target FPR", numeric: true), ReportColumn("retrain buffer", numeric: true),
            ReportColumn("shifts", numeric: true), ReportColumn("last training run"),
        ]
        let rows = streams.map { stream -> [ReportCell] in
            let rejected = stream.rejected.values.reduce(0, +)
            let open = stream.lastShift.map { !$0.adopted } ?? false
            return [
                ReportCell(stream.name),
                ReportCell(
                    stream.state.rawValue, tone: stream.state == .warming ? .warning : (stream.state == .scoring ? .good : .plain),
                    detail: stream.state == .warming
                        ? "\(Markup.count(stream.accepted ?? 0)) of \(Markup.count(stream.minimumSamples ?? 0)) vectors before the first model"
                        : nil),
                ReportCell(stream.dimension.map(String.init) ?? "—"),
                ReportCell(Markup.count(stream.received)), ReportCell(Markup.count(stream.scored)),
                ReportCell(Markup.number(stream.scoredRate ?? 0)),
                ReportCell(Markup.count(rejected), tone: rejected > 0 ? .warning : .plain,
                    detail: rejected > 0 ? reasons(stream.rejected) : nil),
                ReportCell(Markup.count(stream.alerts), detail: (stream.alertsByDetector ?? [:]).isEmpty ? nil : reasons(stream.alertsByDetector ?? [:])),
                recentRateCell(stream),
                ReportCell(stream.targetFalsePositiveRate.map(percent) ?? "—"),
                ReportCell("\(Markup.count(stream.bufferSize)) / \(Markup.count(stream.bufferCapacity ?? 0))"),
                ReportCell(Markup.count(stream.shifts ?? 0), tone: open ? .bad : .plain,
                    detail: open ? "a level shift is open: aectl retrain --accept-shift \(stream.name)" : nil),
                lastRunCell(stream.lastTrainingRun, runs: stream.runs ?? []),
            ]
        }
        return ReportTable(title: "Streams", columns: columns, rows: rows, emptyText: "No streams yet: nothing was published.")
    }

    static func modelTable(_ streams: [StreamStatus], now: Double) -> ReportTable {
        let columns = [
            ReportColumn("stream"), ReportColumn("detector"), ReportColumn("version", numeric: true),
            ReportColumn("age", numeric: true), ReportColumn("threshold", numeric: true), ReportColumn("method"),
            ReportColumn("target FPR", numeric: true), ReportColumn("held-out FPR", numeric: true),
            ReportColumn("validation loss", numeric: true), ReportColumn("last run"), ReportColumn("trigger"),
            ReportColumn("ended", numeric: true), ReportColumn("vectors", numeric: true),
        ]
        var rows: [[ReportCell]] = []
        for stream in streams {
            let runs = Dictionary((stream.runs ?? []).map { ($0.detector, $0) }, uniquingKeysWith: { _, last in last })
            let detectors = Set(stream.models.map(\.detector)).union(runs.keys).sorted()
            for detector in detectors {
                let model = stream.models.first { $0.detector == detector }
                let run = runs[detector]
                rows.append([
                    ReportCell(stream.name), ReportCell(detector),
                    ReportCell(model.map { "\($0.version)" } ?? "—"),
                    ReportCell(model.map { TimeFormat.duration(max(0, now - $0.created)) } ?? "—"),
                    ReportCell(model?.threshold.map { Markup.number($0.value, significant: 4) } ?? "—"),
                    ReportCell(model?.threshold?.method ?? "—"),
                    ReportCell(model?.threshold.map { percent($0.targetFalsePositiveRate) } ?? "—"),
                    ReportCell(run?.heldOutFalsePositiveRate.map(percent) ?? "—"),
                    ReportCell(model?.validationLoss.map { Markup.number($0, significant: 4) } ?? "—"),
                    run.map { ReportCell($0.outcome.replyValue, tone: tone(of: .finished($0.outcome)), detail: $0.reason) }
                        ?? ReportCell("—"),
                    ReportCell(run?.trigger?.rawValue ?? "—"),
                    ReportCell(run.map { TimeFormat.duration(max(0, now - $0.finished)) + " ago" } ?? "—"),
                    ReportCell(run.map { Markup.count($0.samples) } ?? "—"),
                ])
            }
        }
        return ReportTable(
            title: "Models and last training runs",
            note: "The active model of each detector with its threshold on the anomaly score, and the detector's last"
                + " training run (held-out FPR: the share of held-out normal vectors over the new threshold).",
            columns: columns, rows: rows)
    }

    static func alertTable(_ alerts: [Alert]) -> ReportTable {
        let columns = [
            ReportColumn("vector time (UTC)"), ReportColumn("stream"), ReportColumn("detector"),
            ReportColumn("anomaly score", numeric: true), ReportColumn("threshold", numeric: true),
            ReportColumn("severity", numeric: true), ReportColumn("model", numeric: true),
            ReportColumn("top features (share of the score)"),
        ]
        let rows = alerts.reversed().map { alert -> [ReportCell] in
            [
                ReportCell(TimeFormat.instant(alert.vectorTime, style: .epoch)), ReportCell(alert.stream),
                ReportCell(alert.detector), ReportCell(Markup.number(alert.anomalyScore, significant: 4)),
                ReportCell(Markup.number(alert.threshold, significant: 4)),
                ReportCell(Markup.number(alert.severity) + "×", tone: alert.severity >= 2 ? .bad : .warning),
                ReportCell("v\(alert.modelVersion)"),
                ReportCell(alert.topFeatures.prefix(4).map { "f\($0.feature) \(Int((100 * $0.share).rounded())) %" }
                    .joined(separator: ", ")),
            ]
        }
        return ReportTable(
            title: "Recent alerts",
            note: "The last \(StreamPipeline.recentAlertCapacity) alerts aed stored since it started, newest first"
                + " (one row per episode when [alerts] episodes is on); aectl alerts reads them all.",
            columns: columns, rows: rows, emptyText: "No alerts since aed started.")
    }

    static func shiftTable(_ streams: [StreamStatus]) -> ReportTable {
        let columns = [
            ReportColumn("stream"), ReportColumn("detected (UTC)"), ReportColumn("began (UTC)"),
            ReportColumn("alert rate", numeric: true), ReportColumn("vectors", numeric: true),
            ReportColumn("features moved (training σ)"), ReportColumn("state"),
        ]
        let rows = streams.compactMap { stream -> [ReportCell]? in
            guard let shift = stream.lastShift else { return nil }
            let state: ReportCell = shift.adopted
                ? ReportCell(shift.reversion == true ? "reverted, adopted" : "adopted", tone: .good)
                : ReportCell("open", tone: .bad, detail: "aectl retrain --accept-shift \(stream.name)")
            return [
                ReportCell(stream.name), ReportCell(TimeFormat.instant(shift.detected, style: .epoch)),
                ReportCell(TimeFormat.instant(shift.started, style: .epoch)), ReportCell(percent(shift.alertRate)),
                ReportCell(Markup.count(shift.vectors)),
                ReportCell(shift.features.isEmpty ? "—" : shift.features.map { "f\($0.index) \(Markup.sigmas($0.sigmas))" }
                    .joined(separator: ", ")),
                state,
            ]
        }
        return ReportTable(
            title: "Level shifts", note: "The last level shift of each stream that had one since aed started.",
            columns: columns, rows: rows)
    }

    // MARK: Charts

    /// One stream's charts: a trace per detector that has recent scores, its last training
    /// runs and its last level shift as marks.
    static func streamCharts(_ stream: StreamStatus, scores: RecentScores?) -> StreamCharts {
        var facts = [ReportFact("state", stream.state.rawValue)]
        if let rate = stream.recentAlertRate {
            facts.append(ReportFact(
                "recent alert rate",
                percent(rate) + (stream.targetFalsePositiveRate.map { " (target \(percent($0)))" } ?? "")
                    + " over \(Markup.count(stream.recentAlertVectors ?? 0)) vectors"))
        }
        facts.append(ReportFact("scored", Markup.count(stream.scored)))
        if stream.alerts > 0 { facts.append(ReportFact("alerts", Markup.count(stream.alerts))) }
        var traces: [DetectorTrace] = []
        for detector in (scores?.detectors.keys).map({ Array($0).sorted() }) ?? [] {
            guard var trace = scores?.trace(of: detector) else { continue }
            let model = stream.models.first { $0.detector == detector }
            let alerts = trace.alertTimes.count
            var traceFacts: [ReportFact] = []
            if let model, let threshold = model.threshold {
                traceFacts.append(ReportFact("threshold", Markup.number(threshold.value, significant: 4) + " (\(threshold.method))"))
                traceFacts.append(ReportFact("model", "v\(model.version)"))
            }
            let share = trace.scores.isEmpty ? 0 : Double(alerts) / Double(trace.scores.count)
            traceFacts.append(ReportFact(
                "alerts in view", "\(Markup.count(alerts)) of \(Markup.count(trace.scores.count)) scores (\(percent(share)))"))
            trace.facts = traceFacts
            traces.append(trace)
        }
        let retrains = (stream.runs ?? []).map {
            RetrainMark(
                time: $0.finished, detector: $0.detector, outcome: $0.outcome, trigger: $0.trigger?.rawValue ?? "",
                reason: $0.reason)
        }
        let shifts = stream.lastShift.map { shift in
            [ShiftMark(
                time: shift.detected, features: shift.features.map { FeatureShift(name: "f\($0.index)", sigmas: $0.sigmas) },
                reversion: shift.reversion)]
        } ?? []
        return StreamCharts(stream: stream.name, facts: facts, traces: traces, retrains: retrains, shifts: shifts)
    }

    // MARK: Formatting

    /// `1.25 %` for a share of 0.0125.
    static func percent(_ share: Double) -> String { Markup.number(100 * share) + " %" }

    /// `dim 3, malformed 1`: counts by reason, reasons in order.
    static func reasons(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) \(Markup.count($0.value))" }.joined(separator: ", ")
    }

    /// The recent alert rate, marked when it is more than twice the target.
    static func recentRateCell(_ stream: StreamStatus) -> ReportCell {
        guard let rate = stream.recentAlertRate else { return ReportCell("—") }
        let target = stream.targetFalsePositiveRate ?? 0
        return ReportCell(
            percent(rate), tone: target > 0 && rate > 2 * target ? .warning : .plain,
            detail: "\(Markup.count(stream.recentAlertVectors ?? 0)) vectors over \(TimeFormat.duration(stream.recentAlertSeconds ?? 0))"
                + " of vector time")
    }

    /// The stream's last training run: outcome (`trained`, `failed`, `skipped`, `running`) and when.
    static func lastRunCell(_ run: TrainingRunStatus?, runs: [TrainingRunSummary]) -> ReportCell {
        guard let run else { return ReportCell("—") }
        let trigger = runs.max { $0.finished < $1.finished }?.trigger
        return ReportCell(
            run.outcome + (trigger.map { " (\($0.rawValue))" } ?? ""), tone: tone(of: run.state), detail: run.reason)
    }

    /// The tone of a training run's cell: trained good, failed bad, skipped a warning, a run
    /// under way (or a state this version does not know) plain.
    static func tone(of state: TrainingRunState?) -> ReportCell.Tone {
        switch state {
        case .finished(.trained): .good
        case .finished(.failed): .bad
        case .finished(.skipped): .warning
        case .running, .started, .coalesced, nil: .plain
        }
    }

    /// This machine's host name (`gethostname`), or `localhost`.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
