import Foundation
import Wire

/// Renders a status reply as the table `aectl status` prints.
public enum StatusTable {
    /// `  backlog 3 messages (1.2 KiB of 256 MiB)`, or nothing when the daemon does not report it.
    static func backlog(_ ingest: IngestStatus) -> String {
        guard let messages = ingest.queuedMessages, let bytes = ingest.queuedBytes else { return "" }
        let limit = ingest.maxQueueBytes.map { " of \(ByteCount.text($0))" } ?? ""
        return "  backlog \(messages) message\(messages == 1 ? "" : "s") (\(ByteCount.text(bytes))\(limit))"
    }

    /// `curve: ingest on (3 keys), control on (1 key); refused 12 handshakes (ingest: unauthorized-key 10, ...); last ...`.
    static func curveLine(_ curve: CurveStatus, now: Double) -> String {
        func side(_ on: Bool, _ keys: Int) -> String { on ? "on (\(keys) key\(keys == 1 ? "" : "s"))" : "off" }
        var line = "curve: ingest \(side(curve.ingest, curve.ingestKeys)), control \(side(curve.control, curve.controlKeys))"
        let total = curve.refusedTotal
        guard total > 0 else { return line + "; no refused handshakes" }
        var parts: [String] = []
        if !curve.ingestRefused.isEmpty { parts.append("ingest: \(reasons(curve.ingestRefused))") }
        if !curve.controlRefused.isEmpty { parts.append("control: \(reasons(curve.controlRefused))") }
        line += "; refused \(total) handshake\(total == 1 ? "" : "s") (\(parts.joined(separator: "; ")))"
        if let last = curve.lastRefused {
            line += "; last \(last.reason) on \(last.endpoint) \(ago(last.time, now: now))"
            if let key = last.clientKey { line += " key \(key)" + (last.clientAddress.map { " from \($0)" } ?? "") }
        }
        return line
    }

    /// The human-readable status: a header line, one block per stream.
    public static func render(_ status: StatusReply, now: Double = Date().timeIntervalSince1970) -> String {
        var lines: [String] = []
        let d = status.daemon
        lines.append(
            "aed \(d.version)  pid \(d.pid)  up \(duration(d.uptimeSeconds))  control \(d.endpoints.control)")
        if let blas = d.blasKernel {
            lines.append("blas \(blas)" + (d.scoringThreads.map { "  scoring on \($0) thread\($0 == 1 ? "" : "s")" } ?? ""))
        }
        if let storage = d.storage { lines.append(storageLine(storage, now: now)) }
        if let reload = d.reload { lines.append(reloadLine(reload, now: now)) }
        if let curve = d.curve { lines.append(curveLine(curve, now: now)) }
        lines.append(
            "ingest \((d.endpoints.ingest + d.endpoints.connect).joined(separator: " "))  received \(status.ingest.received)  scored \(status.ingest.scored)  rejected \(status.ingest.rejected.values.reduce(0, +))"
                + (status.alertsWritten.map { "  alerts stored \($0)" } ?? "")
                + backlog(status.ingest)
                + ((status.alertsDropped ?? 0) > 0 ? "  alerts lost \(status.alertsDropped ?? 0)" : ""))
        if let unattributed = status.unattributedRejections, !unattributed.isEmpty {
            lines.append("unattributed rejections: \(reasons(unattributed))")
        }
        if status.streams.isEmpty {
            lines.append("no streams yet: publish to \(d.endpoints.ingest.first ?? "the ingest endpoint")")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("")
        let header = [
            "STREAM", "STATE", "DIM", "RECEIVED", "SCORED", "REJECTED", "GAPS", "RATE/s", "LATENCY", "BUFFER", "ALERTS",
            "RECENT ALERT RATE",
        ]
        var rows: [[String]] = []
        for stream in status.streams {
            let buffer = stream.bufferCapacity.map { "\(stream.bufferSize)/\($0)" } ?? "\(stream.bufferSize)"
            var state = stream.state.rawValue
            if stream.state == .warming, let minimum = stream.minimumSamples {
                state += " (\(min(100, stream.bufferSize * 100 / max(minimum, 1)))%)"
            }
            rows.append([
                stream.name, state, stream.dimension.map(String.init) ?? "-", "\(stream.received)", "\(stream.scored)",
                "\(stream.rejected.values.reduce(0, +))", "\(stream.gaps)",
                stream.scoredRate.map { String(format: "%.0f", $0) } ?? "-",
                stream.latency.map { $0 > 0 ? String(format: "%.2f ms", $0 * 1000) : "-" } ?? "-", buffer, "\(stream.alerts)",
                recentRate(stream),
            ])
        }
        lines.append(contentsOf: table(header: header, rows: rows))
        lines.append("")
        let modelHeader = ["STREAM", "DETECTOR", "VERSION", "AGE", "TRAIN LOSS", "VAL LOSS", "THRESHOLD", "FPR", "ALERTS", "LAST RUN"]
        var modelRows: [[String]] = []
        for stream in status.streams {
            var detectors = Set(stream.models.map(\.detector))
            for run in stream.runs ?? [] { detectors.insert(run.detector) }
            for detector in detectors.sorted() {
                let model = stream.models.first { $0.detector == detector }
                let run = stream.runs?.first { $0.detector == detector }
                var last = run.map { $0.outcome.rawValue + ($0.reason.map { ": \($0)" } ?? "") + " \(ago($0.finished, now: now))" } ?? "-"
                if stream.state == .training { last = "running; " + last }
                modelRows.append([
                    stream.name, detector, model.map { "v\($0.version)" } ?? "-",
                    model.map { ago($0.created, now: now) } ?? "-", number(model?.trainLoss), number(model?.validationLoss),
                    number(model?.threshold?.value), model?.threshold.map { "\($0.targetFalsePositiveRate)" } ?? "-",
                    "\(stream.alertsByDetector?[detector] ?? 0)" + ((stream.episodes?[detector]).map { " (\($0) episodes)" } ?? ""),
                    last,
                ])
            }
        }
        if !modelRows.isEmpty { lines.append(contentsOf: table(header: modelHeader, rows: modelRows)) }
        var eventLines: [String] = []
        for stream in status.streams {
            var notes: [String] = []
            if let shift = stream.lastShift {
                let moved = shift.features.prefix(3).map { "f\($0.index) \(String(format: "%+.1f", $0.sigmas))σ" }.joined(separator: ", ")
                notes.append(
                    "\(stream.shifts ?? 1) level shift(s), last \(ago(shift.detected, now: now)) (\(moved.isEmpty ? "no single feature moved" : moved)), "
                        + (shift.adopted ? "adopted" : "open: aectl retrain --accept-shift \(stream.name)"))
            }
            if let future = stream.futureTimestamps, future > 0 { notes.append("\(future) vectors stamped in the future (scored at receive time)") }
            if let duplicates = stream.duplicates, duplicates > 0 { notes.append("\(duplicates) duplicate or old seq") }
            if let restarts = stream.sequenceRestarts, restarts > 0 { notes.append("\(restarts) publisher restart(s) seen in seq") }
            if !notes.isEmpty { eventLines.append("  \(stream.name): " + notes.joined(separator: "; ")) }
        }
        if !eventLines.isEmpty {
            lines.append("")
            lines.append("events:")
            lines.append(contentsOf: eventLines)
        }
        var latentLines: [String] = []
        for stream in status.streams {
            for model in stream.models {
                guard let health = model.latentHealth else { continue }
                let mark = health.state == .collapsed ? "WARNING: " : ""
                latentLines.append("  \(stream.name) \(model.detector) v\(model.version): \(mark)\(health.summary)")
            }
        }
        if !latentLines.isEmpty {
            lines.append("")
            lines.append("VAE latent space (Burda et al.: a unit is active when its posterior mean varies, variance > 0.01):")
            lines.append(contentsOf: latentLines)
        }
        var rejectionLines: [String] = []
        for stream in status.streams where !stream.rejected.isEmpty {
            rejectionLines.append("  \(stream.name): \(reasons(stream.rejected))")
        }
        if !rejectionLines.isEmpty {
            lines.append("")
            lines.append("rejections by reason:")
            lines.append(contentsOf: rejectionLines)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "storage: WAL 1.5 MiB, last checkpoint 12m ago, no write errors": the database's health;
    /// while writes fail it leads with the cause and the alerts waiting, e.g. "storage: WRITES
    /// FAILING: disk full (database or disk is full (SQLite error 13)) 4s ago; 120 alerts
    /// waiting, 0 dropped; WAL 1.5 MiB, last checkpoint 12m ago".
    static func storageLine(_ storage: StorageStatus, now: Double) -> String {
        var parts: [String] = []
        let waiting = storage.pendingAlerts ?? 0
        let dropped = storage.droppedAlerts ?? 0
        let counts = "\(waiting) alert\(waiting == 1 ? "" : "s") waiting, \(dropped) dropped"
        if storage.writesFailing == true, let error = storage.lastWriteError {
            let cause = error.cause.map { "\($0) (\(error.message))" } ?? error.message
            parts.append("WRITES FAILING: \(cause) \(ago(error.time, now: now)); \(counts)")
        }
        parts.append("WAL \(ByteCount.text(storage.walBytes))")
        parts.append("last checkpoint " + (storage.lastCheckpoint.map { ago($0, now: now) } ?? "none yet"))
        if storage.writesFailing != true {
            if let error = storage.lastWriteError {
                let cause = error.cause.map { "\($0) (\(error.message))" } ?? error.message
                parts.append("last write error \(ago(error.time, now: now)): \(cause)")
            } else {
                parts.append("no write errors")
            }
            if waiting > 0 || dropped > 0 { parts.append(counts) }
        }
        return "storage: " + parts.joined(separator: ", ")
    }

    /// "reload: failed 2m ago, running configuration kept: <reason>; last applied 1h ago", or
    /// "reload: applied 5m ago (restart needed for daemon.alert_publish)": the SIGHUP reloads.
    static func reloadLine(_ reload: ReloadStatus, now: Double) -> String {
        var applied: String?
        if let time = reload.lastApplied {
            applied = "applied \(ago(time, now: now))"
            if let keys = reload.notReloaded, !keys.isEmpty {
                applied? += " (restart needed for \(keys.joined(separator: ", ")))"
            }
        }
        guard let failure = reload.lastFailure else { return "reload: " + (applied ?? "none") }
        var line = "reload: failed \(ago(failure.time, now: now)), running configuration kept: \(failure.reason)"
        if let applied { line += "; last " + applied }
        return line
    }

    /// "2.1% of 1440 (target 1%)": the recent alert rate next to the target.
    static func recentRate(_ stream: StreamStatus) -> String {
        guard let rate = stream.recentAlertRate else { return "-" }
        var text = String(format: "%.1f%%", 100 * rate)
        if let vectors = stream.recentAlertVectors { text += " of \(vectors)" }
        if let target = stream.targetFalsePositiveRate { text += " (target \(String(format: "%g", 100 * target))%)" }
        return text
    }

    static func reasons(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value != 0 && (abs(value) < 0.001 || abs(value) >= 100_000) { return String(format: "%.3e", value) }
        return String(format: "%.4f", value)
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    static func ago(_ time: Double, now: Double) -> String { "\(duration(now - time)) ago" }

    static func table(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }
}
