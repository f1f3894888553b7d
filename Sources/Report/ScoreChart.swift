import Detectors
import Foundation

/// An inline SVG chart of one detector's anomaly scores over vector time, on a symmetric log
/// axis, with its threshold, alerts, labelled anomalies, retrains and shifts.
///
/// Used by the replay report (one chart per detector) and on its own, e.g. for a live page's
/// recent scores. The output is one `<svg>` element with presentation attributes only (no CSS
/// classes, scripts, ids or external references), so it can be pasted into any HTML page.
///
/// What is drawn, bottom to top:
/// - the `--train` part of the series (before `trainingEnd`) greyed, with a dashed divider;
/// - warming up (before the first threshold step) lightly shaded;
/// - labelled anomaly spans shaded red across the plot;
/// - per pixel column, a light blue bar from the minimum to the maximum score of the vectors in
///   it and a dark blue line through the last score of each column: the drawing's size depends
///   on the width, not on the number of vectors;
/// - the threshold as an orange step line (it moves when a retrain promotes a model);
/// - alerts as red ticks along the top, one per pixel column that has any;
/// - retrains as small triangles on the bottom edge, green for promoted, dark red for failed,
///   grey for skipped, with a tooltip (time, trigger, outcome, reason);
/// - shifts as dashed purple lines labelled with the features that moved.
///
/// The y axis is `sign(s) · log10(1 + |s| / c)` with `c` fitted from the scores and thresholds
/// (see `SymlogScale`), so zero and negative scores (a VAE's negative log-likelihood) are drawn.
/// NaN scores are skipped; infinite ones are drawn at the plot's edge.
public enum ScoreChart {
    /// The chart as an `<svg>` element.
    ///
    /// - Parameters:
    ///   - trace: the detector's scores, thresholds and alerts.
    ///   - spans: labelled anomalies to shade (vector time, seconds).
    ///   - retrains: training runs to mark; all are drawn, so pass this detector's only.
    ///   - shifts: level shifts to mark.
    ///   - trainingEnd: where the training rows end (a divider), if any.
    ///   - timeRange: the x axis range in seconds; nil fits the trace and the marks. Pass the same
    ///     range to several charts to align them.
    ///   - width: the SVG's width in pixels (at least 200 are used).
    ///   - height: the SVG's height in pixels (at least 120 are used).
    ///   - minimumSpan: the shortest x axis in seconds; a shorter range is widened about its
    ///     middle (60 s gives a single vector a readable axis; a live page of a fast stream,
    ///     whose recent scores span seconds, passes less).
    public static func svg(
        _ trace: DetectorTrace, spans: [TimeSpan] = [], retrains: [RetrainMark] = [],
        shifts: [ShiftMark] = [], trainingEnd: Double? = nil, timeRange: ClosedRange<Double>? = nil,
        width: Int = 1100, height: Int = 280, minimumSpan: Double = 60
    ) -> String {
        let range = timeRange.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? $0 : nil }
            ?? fittedTimeRange(traces: [trace], spans: spans, retrains: retrains, shifts: shifts, trainingEnd: trainingEnd)
        var chart = ChartDrawing(
            trace: trace, width: max(200, width), height: max(120, height),
            timeRange: Self.widened(range, minimum: minimumSpan))
        chart.drawBackground(trainingEnd: trainingEnd, spans: spans)
        chart.drawAxes()
        chart.drawScores()
        chart.drawThreshold()
        chart.drawTrainingDivider(trainingEnd)
        chart.drawShifts(shifts)
        chart.drawRetrains(retrains)
        chart.drawAlerts()
        chart.drawFrame()
        return chart.finish()
    }

    /// The time range (seconds) covering the traces' finite times and the marks' times, for
    /// sharing one x axis between charts; `0...60` when there is no finite time at all.
    public static func fittedTimeRange(
        traces: [DetectorTrace], spans: [TimeSpan] = [], retrains: [RetrainMark] = [],
        shifts: [ShiftMark] = [], trainingEnd: Double? = nil
    ) -> ClosedRange<Double> {
        var low = Double.infinity, high = -Double.infinity
        func include(_ time: Double) {
            guard time.isFinite else { return }
            low = min(low, time)
            high = max(high, time)
        }
        for trace in traces {
            for time in trace.times { include(time) }
            for time in trace.alertTimes { include(time) }
        }
        for span in spans {
            include(span.start)
            include(span.end)
        }
        for mark in retrains { include(mark.time) }
        for mark in shifts { include(mark.time) }
        if let trainingEnd { include(trainingEnd) }
        return low <= high ? low...high : 0...60
    }

    /// The legend for these charts as an HTML fragment (inline styles; no SVG, no classes).
    /// - Parameters:
    ///   - warming: list the "no model yet" shading (only when some chart has scores before its
    ///     first threshold).
    ///   - labelled: list the labelled-anomaly shading (a replay with `--labels`).
    ///   - trainingRows: list the training-rows divider (a replay with `--train`).
    ///   - shifts: list the level-shift line.
    public static func legendHTML(
        warming: Bool = true, labelled: Bool = true, trainingRows: Bool = true, shifts: Bool = true
    ) -> String {
        func item(_ swatch: String, _ text: String) -> String {
            "<span style=\"display:inline-flex;align-items:center;gap:5px;margin-right:16px;white-space:nowrap\">"
                + "<span style=\"display:inline-block;\(swatch)\"></span>\(Markup.escape(text))</span>"
        }
        let c = ChartColors.self
        return "<div style=\"font-size:12px;line-height:22px;color:#333\">"
            + item("width:14px;height:10px;background:\(c.band)", "score min–max per pixel")
            + item("width:16px;height:0;border-top:2px solid \(c.line)", "last score per pixel")
            + item("width:16px;height:0;border-top:2px solid \(c.threshold)", "threshold")
            + item("width:2px;height:10px;background:\(c.alert)", "alert")
            + (labelled ? item("width:14px;height:10px;background:\(c.labelled);opacity:.9", "labelled anomaly") : "")
            + item("width:0;height:0;border-left:5px solid transparent;border-right:5px solid transparent;"
                + "border-bottom:8px solid \(c.promoted)", "retrain promoted")
            + item("width:0;height:0;border-left:5px solid transparent;border-right:5px solid transparent;"
                + "border-bottom:8px solid \(c.failed)", "failed")
            + item("width:0;height:0;border-left:5px solid transparent;border-right:5px solid transparent;"
                + "border-bottom:8px solid \(c.skipped)", "skipped")
            + (shifts ? item("width:0;height:12px;border-left:2px dashed \(c.shift)", "level shift") : "")
            + (trainingRows
                ? item("width:14px;height:10px;background:\(c.train);border-right:2px dashed \(c.divider)",
                    "training | scored rows") : "")
            + (warming ? item("width:14px;height:10px;background:\(c.warming)", "no model yet") : "")
            + "</div>"
    }

    /// `range` widened about its middle to at least `minimum` seconds (and at least 1e-9 of its
    /// magnitude, so the axis stays resolvable at double precision), so a single vector gets a
    /// readable axis.
    static func widened(_ range: ClosedRange<Double>, minimum seconds: Double = 60) -> ClosedRange<Double> {
        let minimum = max(seconds.isFinite ? max(seconds, 1) : 60, abs(range.lowerBound) * 1e-9)
        guard range.upperBound - range.lowerBound < minimum else { return range }
        let middle = (range.lowerBound + range.upperBound) / 2
        return (middle - minimum / 2)...(middle + minimum / 2)
    }
}

/// The chart's palette (ColorBrewer-based; distinguishable in greyscale by shape and position).
enum ChartColors {
    static let band = "#b8d4ea"
    static let line = "#1f5f9e"
    static let threshold = "#e6550d"
    static let alert = "#d62728"
    static let labelled = "#fbc4c4"
    static let promoted = "#2ca25f"
    static let failed = "#8c0d0d"
    static let skipped = "#9e9e9e"
    static let shift = "#6a3d9a"
    static let train = "#efefef"
    static let divider = "#555555"
    static let warming = "#f6f1e4"
    static let grid = "#e4e4e4"
    static let text = "#444444"

    /// The colour of a retrain outcome.
    static func outcome(_ outcome: TrainingOutcome) -> String {
        switch outcome {
        case .trained: promoted
        case .failed: failed
        case .skipped: skipped
        }
    }
}
