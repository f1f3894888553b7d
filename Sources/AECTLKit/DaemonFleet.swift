import Alerts
import Foundation
import Wire

/// Several aed daemons seen as one (`aectl --control E1,E2,... status|alerts`): each daemon
/// subscribes to its own stream-name prefixes, and the operator wants one view.
///
/// Each endpoint is asked in turn with the same timeout; a daemon that does not answer (or
/// answers with an error) is named with its error and the others are still shown.
public enum DaemonFleet {
    /// One daemon's answer: its control endpoint and the reply frame, or why there is none.
    public struct Answer: Sendable {
        /// The control endpoint asked.
        public var endpoint: String
        /// The raw reply frame (JSON), or the error that took its place.
        public var reply: Result<[UInt8], CommandFailure>
    }

    /// The endpoints of a `--control` / `AED_CONTROL` value: one endpoint, or several separated
    /// by commas (ZeroMQ endpoints contain none); blanks are dropped.
    public static func endpoints(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Sends `request` to every endpoint of `options`, in order.
    public static func ask(_ request: ControlRequest, options: ControlOptions) -> [Answer] {
        DaemonFleet.endpoints(options.endpoint).map { endpoint in
            do {
                let client = try options.client(endpoint: endpoint)
                let frame = try client.send(request)
                // A well-formed error reply (`{"ok": false, ...}`) counts as no answer.
                _ = try ControlReply.decode(OKReply.self, from: frame)
                return Answer(endpoint: endpoint, reply: .success(frame))
            } catch let failure as CommandFailure {
                return Answer(endpoint: endpoint, reply: .failure(failure))
            } catch {
                return Answer(endpoint: endpoint, reply: .failure(CommandFailure("\(error)")))
            }
        }
    }

    /// The minimal reply every command shares.
    struct OKReply: Decodable { var ok: Bool }

    /// One JSON object for `--json`: `{"daemons": [{"endpoint": E, "reply": {...}} or
    /// {"endpoint": E, "error": "..."}]}`, in the order asked.
    public static func json(_ answers: [Answer]) -> String {
        let parts = answers.map { answer -> String in
            let endpoint = String(decoding: (try? JSONEncoder().encode(answer.endpoint)) ?? Data("\"\"".utf8), as: UTF8.self)
            switch answer.reply {
            case .success(let frame):
                return "{\"endpoint\": \(endpoint), \"reply\": \(String(decoding: frame, as: UTF8.self))}"
            case .failure(let failure):
                let error = String(decoding: (try? JSONEncoder().encode(failure.description)) ?? Data("\"\"".utf8), as: UTF8.self)
                return "{\"endpoint\": \(endpoint), \"error\": \(error)}"
            }
        }
        return "{\"daemons\": [" + parts.joined(separator: ", ") + "]}\n"
    }

    /// The merged status: one line per daemon (what it runs and which streams it owns, or why
    /// it did not answer), streams found on more than one daemon, then each daemon's table.
    public static func renderStatus(_ answers: [Answer], now: Double = Date().timeIntervalSince1970) -> String {
        var summary: [String] = []
        var sections: [String] = []
        var owners: [String: [String]] = [:]
        for answer in answers {
            switch answer.reply {
            case .failure(let failure):
                summary.append("  \(answer.endpoint)  NOT ANSWERING: \(failure.description)")
            case .success(let frame):
                guard let status = try? ControlReply.decode(StatusReply.self, from: frame) else {
                    summary.append("  \(answer.endpoint)  NOT ANSWERING: the reply is not a status reply")
                    continue
                }
                let names = status.streams.map(\.name).sorted()
                for name in names { owners[name, default: []].append(answer.endpoint) }
                summary.append(
                    "  \(answer.endpoint)  aed \(status.daemon.version) pid \(status.daemon.pid), \(names.count) stream(s)"
                        + (names.isEmpty ? "" : ": " + names.joined(separator: ", ")))
                sections.append("== \(answer.endpoint)\n" + StatusTable.render(status, now: now))
            }
        }
        var lines = ["daemons (\(answers.count)):"] + summary
        let shared = owners.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
        if !shared.isEmpty {
            lines.append("")
            lines.append("streams on more than one daemon (check their topics):")
            for (name, endpoints) in shared { lines.append("  \(name): \(endpoints.joined(separator: ", "))") }
        }
        return lines.joined(separator: "\n") + "\n" + sections.map { "\n" + $0 }.joined()
    }

    /// The merged alerts, newest first, at most `limit`, with the daemon each came from, and
    /// the daemons that did not answer named first.
    public static func renderAlerts(_ answers: [Answer], limit: Int) -> String {
        var lines: [String] = []
        var merged: [(endpoint: String, alert: Alert)] = []
        var shifts: [LevelShift] = []
        for answer in answers {
            switch answer.reply {
            case .failure(let failure):
                lines.append("\(answer.endpoint): NOT ANSWERING: \(failure.description)")
            case .success(let frame):
                guard let reply = try? ControlReply.decode(AlertsReply.self, from: frame) else {
                    lines.append("\(answer.endpoint): NOT ANSWERING: the reply is not an alerts reply")
                    continue
                }
                merged += reply.alerts.map { (answer.endpoint, $0) }
                shifts += reply.shifts ?? []
            }
        }
        let newest = merged.sorted { $0.alert.vectorTime > $1.alert.vectorTime }.prefix(limit)
        var text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n\n"
        text += AlertsCommand.render(newest.map(\.alert), daemons: newest.map(\.endpoint))
        if !shifts.isEmpty { text += "\n" + AlertsCommand.renderShifts(shifts.sorted { $0.detected > $1.detected }) }
        return text
    }

    /// True when every daemon answered.
    public static func allAnswered(_ answers: [Answer]) -> Bool {
        answers.allSatisfy { if case .success = $0.reply { true } else { false } }
    }
}
