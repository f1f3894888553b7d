import Foundation

/// The state of one `ScoreChart` while it is drawn: geometry, scales, aggregate and output.
struct ChartDrawing {
    let trace: DetectorTrace
    let width: Int, height: Int
    /// The plot area, pixels: x from `left` to `right`, y from `top` to `bottom` (down).
    let left: Double, right: Double, top: Double, bottom: Double
    let timeRange: ClosedRange<Double>
    let style: TimeStyle
    let aggregate: ColumnAggregate
    let scale: SymlogScale
    /// The transformed score range shown, bottom to top.
    let low: Double, high: Double
    /// Text rows (top of the plot) already taken by labels: x extents per row.
    var labelRows: [[ClosedRange<Double>]] = []
    private(set) var out = ""

    /// Vertical room above the plot for the alert ticks.
    static let alertStrip = 14.0

    init(trace: DetectorTrace, width: Int, height: Int, timeRange: ClosedRange<Double>) {
        self.trace = trace
        self.width = width
        self.height = height
        left = 62
        right = Double(width) - 14
        top = Self.alertStrip + 4
        bottom = Double(height) - 34
        self.timeRange = timeRange
        style = TimeStyle(earliest: timeRange.lowerBound)
        aggregate = ColumnAggregate(
            trace, columns: Int(right - left), low: timeRange.lowerBound, high: timeRange.upperBound)
        let thresholds = trace.thresholds.map(\.value)
        scale = SymlogScale.fitted(scores: trace.scores, thresholds: thresholds)
        var lowest = Double.infinity, highest = -Double.infinity
        if let range = aggregate.finiteRange {
            lowest = scale.transform(range.low)
            highest = scale.transform(range.high)
        }
        for step in trace.thresholds where step.value.isFinite && step.start <= timeRange.upperBound {
            lowest = min(lowest, scale.transform(step.value))
            highest = max(highest, scale.transform(step.value))
        }
        if lowest > highest { (lowest, highest) = (-1, 1) }
        if highest - lowest < 0.2 {
            let middle = (lowest + highest) / 2
            (lowest, highest) = (middle - 0.1, middle + 0.1)
        }
        let pad = (highest - lowest) * 0.05
        low = lowest - pad
        high = highest + pad * 3  // room for labels at the top
        out.reserveCapacity(64 * 1024)
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\""
            + " viewBox=\"0 0 \(width) \(height)\" role=\"img\""
            + " aria-label=\"\(Markup.escape("anomaly score of \(trace.name) over time"))\""
            + " font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif\""
            + " font-size=\"11\">"
    }

    // MARK: Coordinates

    /// The x pixel of a vector time (not clamped).
    func x(_ time: Double) -> Double {
        left + (time - timeRange.lowerBound) / (timeRange.upperBound - timeRange.lowerBound) * (right - left)
    }

    /// The y pixel of a score, clamped to the plot (infinities at its edges).
    func y(_ score: Double) -> Double {
        if score == .infinity { return top }
        if score == -.infinity { return bottom }
        let t = (scale.transform(score) - low) / (high - low)
        return min(bottom, max(top, bottom - t * (bottom - top)))
    }

    /// The x pixel of a time, clamped to the plot.
    func clampedX(_ time: Double) -> Double { min(right, max(left, x(time))) }

    /// The centre of pixel column `column`.
    func columnX(_ column: Int) -> Double { left + Double(column) + 0.5 }

    mutating func append(_ markup: String) { out += markup }

    /// Appends `<text>`; `text` is escaped here.
    mutating func text(
        _ text: String, x: Double, y: Double, anchor: String = "start", fill: String = ChartColors.text,
        extra: String = ""
    ) {
        out += "<text x=\"\(Markup.px(x))\" y=\"\(Markup.px(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(extra)>"
            + Markup.escape(text) + "</text>"
    }

    /// Reserves a label slot of `width` pixels from `x` in the first free row; returns the row.
    mutating func reserveLabel(from x: Double, width: Double) -> Int {
        let extent = (x - 3)...(x + width + 3)
        for (row, taken) in labelRows.enumerated() where !taken.contains(where: { $0.overlaps(extent) }) {
            labelRows[row].append(extent)
            return row
        }
        labelRows.append([extent])
        return labelRows.count - 1
    }

    /// An estimate of a label's width in pixels at `size` (no font metrics without a browser).
    static func textWidth(_ text: String, size: Double = 11) -> Double {
        Double(text.count) * size * 0.58
    }

    mutating func finish() -> String {
        out += "</svg>"
        return out
    }
}
