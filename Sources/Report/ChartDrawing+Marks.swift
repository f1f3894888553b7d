import Detectors
import Foundation

/// Marks on the chart: shifts, retrains and alerts, each merged per few pixels so their number
/// of SVG elements is bounded by the width.
extension ChartDrawing {
    /// Shifts whose labels are drawn; later ones get a line and a tooltip only.
    static let maximumShiftLabels = 30

    /// A dashed purple line per shift with a label naming the moved features.
    mutating func drawShifts(_ shifts: [ShiftMark]) {
        let groups = Self.grouped(shifts.filter { inRange($0.time) }, time: \.time, x: { x($0) }, within: 2)
        for (index, group) in groups.enumerated() {
            let px = x(group[0].time)
            let tooltip = group.map { shift in
                "level shift at \(TimeFormat.instant(shift.time, style: style)): "
                    + (shift.features.isEmpty
                        ? "no feature named"
                        : shift.features.map { "\($0.name) \(Markup.sigmas($0.sigmas))" }.joined(separator: ", "))
            }.joined(separator: "\n")
            append("<g><title>\(Markup.escape(tooltip))</title>")
            append("<path d=\"M\(Markup.px(px)) \(Markup.px(top))V\(Markup.px(bottom))\" stroke=\"\(ChartColors.shift)\""
                + " stroke-width=\"1.6\" stroke-dasharray=\"6 3\" fill=\"none\"/>")
            if index < Self.maximumShiftLabels {
                let label = Self.shiftLabel(group)
                let width = Self.textWidth(label)
                let leftward = px + 4 + width > right
                let start = leftward ? px - 4 - width : px + 4
                let row = reserveLabel(from: start, width: width)
                text(label, x: leftward ? px - 4 : px + 4, y: top + 12 + Double(row) * 13,
                    anchor: leftward ? "end" : "start", fill: ChartColors.shift,
                    extra: " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" font-weight=\"600\"")
            }
            append("</g>")
        }
    }

    /// A small triangle per retrain (merged within 5 pixels) on the bottom edge, coloured by outcome.
    mutating func drawRetrains(_ retrains: [RetrainMark]) {
        let groups = Self.grouped(retrains.filter { inRange($0.time) }, time: \.time, x: { x($0) }, within: 5)
        for group in groups {
            let px = group.map { x($0.time) }.reduce(0, +) / Double(group.count)
            // The most telling outcome colours the group: a failure, else a promotion.
            let outcomes = group.map(\.outcome)
            let outcome: TrainingOutcome = outcomes.contains(.failed) ? .failed
                : outcomes.contains(.trained) ? .trained : .skipped
            var lines = group.prefix(8).map { mark in
                "retrain (\(mark.detector)) at \(TimeFormat.instant(mark.time, style: style)): "
                    + "\(mark.trigger), \(mark.outcome.markLabel)" + (mark.reason.map { " — \($0)" } ?? "")
            }
            if group.count > 8 { lines.append("… and \(group.count - 8) more") }
            let base = bottom - 0.5
            append("<path d=\"M\(Markup.px(px - 4.5)) \(Markup.px(base))L\(Markup.px(px)) \(Markup.px(base - 8))"
                + "L\(Markup.px(px + 4.5)) \(Markup.px(base))Z\" fill=\"\(ChartColors.outcome(outcome))\""
                + " stroke=\"#ffffff\" stroke-width=\"0.8\"><title>\(Markup.escape(lines.joined(separator: "\n")))</title></path>")
        }
    }

    /// A red tick above the plot for every pixel column with at least one alert.
    mutating func drawAlerts() {
        var d = ""
        var total = 0
        for c in 0..<aggregate.columns where aggregate.alerts[c] > 0 {
            d += "M\(Markup.px(columnX(c))) \(Markup.px(top - Self.alertStrip))V\(Markup.px(top - 2))"
            total += aggregate.alerts[c]
        }
        text("alerts", x: left - 5, y: top - 5, anchor: "end", fill: ChartColors.alert)
        guard !d.isEmpty else { return }
        append("<path d=\"\(d)\" stroke=\"\(ChartColors.alert)\" stroke-width=\"1\" fill=\"none\">"
            + "<title>\(Markup.count(total)) alerts</title></path>")
    }

    func inRange(_ time: Double) -> Bool {
        time.isFinite && time >= timeRange.lowerBound && time <= timeRange.upperBound
    }

    /// Items sorted by time, grouped while each is within `within` pixels of its group's first.
    static func grouped<T>(_ items: [T], time: KeyPath<T, Double>, x: (Double) -> Double, within: Double) -> [[T]] {
        var groups: [[T]] = []
        for item in items.sorted(by: { $0[keyPath: time] < $1[keyPath: time] }) {
            if let first = groups.last?.first, x(item[keyPath: time]) - x(first[keyPath: time]) <= within {
                groups[groups.count - 1].append(item)
            } else {
                groups.append([item])
            }
        }
        return groups
    }

    /// `shift: cpu_user +312σ, mem −45σ, +2 more`: at most three features, names shortened.
    static func shiftLabel(_ group: [ShiftMark]) -> String {
        let features = group.flatMap(\.features)
        guard !features.isEmpty else { return group.count > 1 ? "\(group.count) shifts" : "shift" }
        let shown = features.prefix(3).map { feature in
            let name = feature.name.count > 22 ? String(feature.name.prefix(21)) + "…" : feature.name
            return "\(name) \(Markup.sigmas(feature.sigmas))"
        }
        let more = features.count > 3 ? ", +\(features.count - 3) more" : ""
        let kind = group.count > 1 ? "\(group.count) shifts: " : (group[0].reversion == true ? "back: " : "shift: ")
        return kind + shown.joined(separator: ", ") + more
    }
}
