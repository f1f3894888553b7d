import Alerts
import ArgumentParser
import Foundation
import Wire

/// `aectl alerts [--stream S] [--since TIME] [--limit N] [--json]`: stored alerts, newest first.
public struct AlertsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List stored alerts, newest first.")

    @OptionGroup public var options: ControlOptions
    @Option(help: "Only this stream.")
    public var stream: String?
    // `.unconditional` takes the next argument even when it starts with `-`, so `--limit -5`
    // reaches validation and gets a clear message instead of "Missing value".
    @Option(parsing: .unconditional,
            help: "Only alerts since TIME: seconds since the Unix epoch, an ISO 8601 date, or a positive age like 15m, 2h, 1d.")
    public var since: String?
    @Option(parsing: .unconditional, help: "At most N alerts (1 to \(ControlRequest.maximumAlertsLimit)).")
    public var limit: Int = 20
    @Flag(help: "Print the reply as JSON.")
    public var json = false

    public init() {}

    public func validate() throws {
        guard (1...ControlRequest.maximumAlertsLimit).contains(limit) else {
            throw ValidationError("--limit must be an integer between 1 and \(ControlRequest.maximumAlertsLimit), got \(limit)")
        }
        if let since, Self.parseTime(since) == nil {
            throw ValidationError("--since \(since): expected seconds since the epoch (not negative), an ISO 8601 date, or a positive age like 15m, 2h, 1d")
        }
    }

    /// Parses `--since`: epoch seconds (finite, not negative), ISO 8601, or a finite age
    /// before `now` (`90s`, `15m`, `2h`, `1d`, not negative); nil for anything else.
    public static func parseTime(_ text: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        if let seconds = Double(text) { return seconds.isFinite && seconds >= 0 ? seconds : nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let scale = units[unit], let amount = Double(text.dropLast()) {
            let time = now - amount * scale
            return amount >= 0 && time.isFinite ? time : nil
        }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: text) { return date.timeIntervalSince1970 }
        iso.formatOptions = [.withFullDate]
        return iso.date(from: text)?.timeIntervalSince1970
    }

    public func run() throws {
        if options.isFleet {
            let request = ControlRequest.alerts(stream: stream, since: since.flatMap { Self.parseTime($0) }, limit: limit)
            let answers = DaemonFleet.ask(request, options: options)
            printOut(json ? DaemonFleet.json(answers) : DaemonFleet.renderAlerts(answers, limit: limit))
            guard DaemonFleet.allAnswered(answers) else { throw CommandFailure("not every daemon answered") }
            return
        }
        let client = try options.client()
        let frame: [UInt8]
        let reply: AlertsReply
        do {
            frame = try client.send(.alerts(stream: stream, since: since.flatMap { Self.parseTime($0) }, limit: limit))
            reply = try ControlReply.decode(AlertsReply.self, from: frame)
        } catch {
            throw CommandFailure("\(error)")
        }
        if json {
            printOut(String(decoding: frame, as: UTF8.self) + "\n")
            return
        }
        printOut(Self.render(reply.alerts))
        if let shifts = reply.shifts, !shifts.isEmpty { printOut("\n" + Self.renderShifts(shifts)) }
    }

    /// A table of level shifts, newest first: when each was recognised, since when the stream
    /// stormed, the window's alert rate, whether it was adopted, and the features that moved.
    public static func renderShifts(_ shifts: [LevelShift]) -> String {
        let formatter = ISO8601DateFormatter()
        let header = ["LEVEL SHIFT AT", "STREAM", "STORM SINCE", "ALERT RATE", "POLICY", "ADOPTED", "MOVED FEATURES"]
        let rows = shifts.map { shift -> [String] in
            [
                formatter.string(from: Date(timeIntervalSince1970: shift.detected)), shift.stream,
                formatter.string(from: Date(timeIntervalSince1970: shift.started)),
                String(format: "%.0f%% of %d", 100 * shift.alertRate, shift.vectors), shift.policy.rawValue,
                shift.adopted ? "yes" : "no (aectl retrain --accept-shift \(shift.stream))",
                (shift.reversion == true ? "back to the level before: " : "")
                    + (shift.features.isEmpty
                        ? "none alone"
                        : shift.features.prefix(5).map { "f\($0.index) \(String(format: "%+.1f", $0.sigmas))σ" }.joined(separator: ", ")),
            ]
        }
        return StatusTable.table(header: header, rows: rows).joined(separator: "\n") + "\n"
    }

    /// A table of alerts, newest first: one row per episode, with its first alert's score and
    /// severity, the number of crossings (COUNT) and the time of the last one (LAST, `-` for
    /// an episode of one).
    /// With `daemons` (one control endpoint per alert), a DAEMON column names where each came from.
    public static func render(_ alerts: [Alert], daemons: [String]? = nil) -> String {
        guard !alerts.isEmpty else { return "no alerts\n" }
        let formatter = ISO8601DateFormatter()
        var header = [
            "TIME", "STREAM", "DETECTOR", "SCORE", "THRESHOLD", "SEVERITY", "COUNT", "LAST", "MODEL", "TOP FEATURES",
        ]
        if daemons != nil { header.append("DAEMON") }
        let rows = alerts.enumerated().map { index, alert -> [String] in
            // An aed that did not store episodes sends none: an episode of one.
            let count = alert.episodeCount
            let last = count > 1 ? alert.episode.map { formatter.string(from: Date(timeIntervalSince1970: $0.lastVectorTime)) } : nil
            return [
                formatter.string(from: Date(timeIntervalSince1970: alert.vectorTime)), alert.stream, alert.detector,
                StatusTable.number(alert.anomalyScore), StatusTable.number(alert.threshold),
                String(format: "%.2f", alert.severity), "\(count)", last ?? "-", "v\(alert.modelVersion)",
                alert.topFeatures.map { "f\($0.feature) \(Int(($0.share * 100).rounded()))%" }.joined(separator: ", "),
            ] + (daemons.map { index < $0.count ? [$0[index]] : ["-"] } ?? [])
        }
        return StatusTable.table(header: header, rows: rows).joined(separator: "\n") + "\n"
    }
}
