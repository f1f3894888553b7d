import Foundation

/// The chart's layers, drawn in this order by `ScoreChart.svg`.
extension ChartDrawing {
    /// The plot's background: white, the training rows grey, warming up tinted, labelled spans red.
    mutating func drawBackground(trainingEnd: Double?, spans: [TimeSpan]) {
        let plotHeight = Markup.px(bottom - top)
        append("<rect x=\"\(Markup.px(left))\" y=\"\(Markup.px(top))\" width=\"\(Markup.px(right - left))\""
            + " height=\"\(plotHeight)\" fill=\"#ffffff\"/>")
        if let trainingEnd, trainingEnd.isFinite, trainingEnd > timeRange.lowerBound {
            let end = clampedX(trainingEnd)
            append("<rect x=\"\(Markup.px(left))\" y=\"\(Markup.px(top))\" width=\"\(Markup.px(end - left))\""
                + " height=\"\(plotHeight)\" fill=\"\(ChartColors.train)\"/>")
        }
        if let first = trace.thresholds.first, first.start.isFinite, first.start > timeRange.lowerBound,
            !trace.scores.isEmpty
        {
            let start = clampedX(trace.times.lazy.filter(\.isFinite).min() ?? timeRange.lowerBound)
            let end = clampedX(first.start)
            if end - start >= 1 {
                append("<rect x=\"\(Markup.px(start))\" y=\"\(Markup.px(top))\" width=\"\(Markup.px(end - start))\""
                    + " height=\"\(plotHeight)\" fill=\"\(ChartColors.warming)\" fill-opacity=\"0.7\"><title>no model yet: warming up</title></rect>")
                let label = "no model yet"
                if end - start > Self.textWidth(label) + 8 {
                    let row = reserveLabel(from: start + 5, width: Self.textWidth(label))
                    text(label, x: start + 5, y: top + 12 + Double(row) * 13, fill: "#8a7a50",
                        extra: " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"")
                }
            }
        }
        // Labelled spans, merged per pixel so thousands of short spans stay one small path.
        var pixelSpans: [(Double, Double)] = []
        for span in spans.sorted(by: { $0.start < $1.start })
        where span.start.isFinite && span.end.isFinite && span.end >= timeRange.lowerBound
            && span.start <= timeRange.upperBound
        {
            var start = clampedX(span.start), end = clampedX(span.end)
            if end - start < 1.5 {
                let middle = (start + end) / 2
                (start, end) = (max(left, middle - 0.75), min(right, middle + 0.75))
            }
            if let last = pixelSpans.last, start <= last.1 + 0.5 {
                pixelSpans[pixelSpans.count - 1].1 = max(last.1, end)
            } else {
                pixelSpans.append((start, end))
            }
        }
        if !pixelSpans.isEmpty {
            var d = ""
            for (start, end) in pixelSpans {
                d += "M\(Markup.px(start)) \(Markup.px(top))H\(Markup.px(end))V\(Markup.px(bottom))H\(Markup.px(start))Z"
            }
            append("<path d=\"\(d)\" fill=\"\(ChartColors.labelled)\" fill-opacity=\"0.75\"/>")
        }
    }

    /// Grid lines, tick labels and axis captions.
    mutating func drawAxes() {
        var grid = ""
        let hasScores = aggregate.count.contains { $0 > 0 } || !trace.thresholds.isEmpty
        if hasScores {
            for value in scale.ticks(low: low, high: high, pixels: bottom - top) {
                let py = y(value)
                grid += "M\(Markup.px(left)) \(Markup.px(py))H\(Markup.px(right))"
                text(Markup.number(value), x: left - 5, y: py + 3.5, anchor: "end")
            }
        }
        let ticks = TimeAxis.ticks(
            low: timeRange.lowerBound, high: timeRange.upperBound, pixels: right - left, style: style)
        // Labels are centred on their tick but kept inside the SVG and clear of the caption.
        let caption = style == .epoch ? "UTC" : "elapsed"
        let captionEnd = 4 + Self.textWidth(caption) + 6
        func centre(_ px: Double, _ label: String, from minimum: Double) -> Double {
            let half = Self.textWidth(label) / 2
            return min(max(px, minimum + half), Double(width) - 2 - half)
        }
        for tick in ticks {
            let px = x(tick.time)
            grid += "M\(Markup.px(px)) \(Markup.px(top))V\(Markup.px(bottom + 4))"
            text(tick.label, x: centre(px, tick.label, from: 2), y: bottom + 15, anchor: "middle")
            if let context = tick.context {
                text(context, x: centre(px, context, from: captionEnd), y: bottom + 28, anchor: "middle", fill: "#777777")
            }
        }
        if !grid.isEmpty {
            append("<path d=\"\(grid)\" stroke=\"\(ChartColors.grid)\" stroke-width=\"1\" fill=\"none\"/>")
        }
        text(caption, x: 4, y: bottom + 28, fill: "#777777")
        let middle = Markup.px((top + bottom) / 2)
        text("anomaly score (symlog)", x: 0, y: 0, anchor: "middle", fill: "#777777",
            extra: " transform=\"translate(13 \(middle)) rotate(-90)\"")
        if !hasScores {
            text("no scores: this detector has not scored a vector", x: (left + right) / 2, y: (top + bottom) / 2,
                anchor: "middle", fill: "#777777", extra: " font-size=\"13\"")
        }
    }

    /// The min–max bar of every pixel column and a line through each column's last score.
    mutating func drawScores() {
        let columns = aggregate.columns
        var band = "", line = "", dots = ""
        var filled = 0
        for c in 0..<columns where aggregate.count[c] > 0 { filled += 1 }
        guard filled > 0 else { return }
        // A gap in time much longer than the series' typical step breaks the line.
        let finiteTimes = trace.times.filter(\.isFinite)
        let span = (finiteTimes.max() ?? 0) - (finiteTimes.min() ?? 0)
        let typicalStep = finiteTimes.count > 1 ? span / Double(finiteTimes.count - 1) : 0
        let secondsPerPixel = (timeRange.upperBound - timeRange.lowerBound) / (right - left)
        let breakGap = max(10 * typicalStep, 3 * secondsPerPixel)
        let sparse = filled * 4 <= columns
        var previous: Int?
        for c in 0..<columns where aggregate.count[c] > 0 {
            let px = Markup.px(columnX(c))
            let yHigh = y(aggregate.maximum[c]), yLow = y(aggregate.minimum[c])
            band += "M\(px) \(Markup.px(yHigh - 0.5))V\(Markup.px(yLow + 0.5))"
            let yLast = Markup.px(y(aggregate.last[c]))
            if let p = previous, aggregate.firstTime[c] - aggregate.lastTime[p] <= breakGap {
                line += "L\(px) \(yLast)"
            } else {
                line += "M\(px) \(yLast)"
            }
            if sparse {
                dots += "M\(Markup.px(columnX(c) - 2)) \(yLast)a2 2 0 1 0 4 0a2 2 0 1 0 -4 0"
            }
            previous = c
        }
        append("<path d=\"\(band)\" stroke=\"\(ChartColors.band)\" stroke-width=\"1.2\" fill=\"none\"/>")
        append("<path d=\"\(line)\" stroke=\"\(ChartColors.line)\" stroke-width=\"0.8\" stroke-opacity=\"0.75\""
            + " fill=\"none\" stroke-linejoin=\"round\"/>")
        if !dots.isEmpty { append("<path d=\"\(dots)\" fill=\"\(ChartColors.line)\"/>") }
    }

    /// The threshold as a step line from each step's start to the next; none before the first.
    mutating func drawThreshold() {
        let steps = trace.thresholds.filter { $0.start.isFinite }.sorted { $0.start < $1.start }
        var d = ""
        var lastEnd: (x: Double, value: Double)?
        var lastValue: Double?
        for (i, step) in steps.enumerated() {
            let end = i + 1 < steps.count ? steps[i + 1].start : timeRange.upperBound
            guard step.value.isFinite, end >= timeRange.lowerBound, step.start <= timeRange.upperBound else {
                lastEnd = nil
                continue
            }
            let x0 = clampedX(step.start), x1 = clampedX(end)
            let py = Markup.px(y(step.value))
            if let lastEnd, abs(lastEnd.x - x0) < 0.01 {
                d += "V\(py)H\(Markup.px(x1))"
            } else {
                d += "M\(Markup.px(x0)) \(py)H\(Markup.px(x1))"
            }
            lastEnd = (x1, step.value)
            lastValue = step.value
        }
        guard !d.isEmpty else { return }
        append("<path d=\"\(d)\" stroke=\"\(ChartColors.threshold)\" stroke-width=\"1.6\" fill=\"none\"/>")
        if let lastValue, let lastEnd {
            let label = "threshold " + Markup.number(lastValue)
            text(label, x: lastEnd.x - 4, y: y(lastValue) - 4, anchor: "end", fill: ChartColors.threshold,
                extra: " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" font-weight=\"600\"")
        }
    }

    /// The dashed line between the training rows and the scored rows, labelled on both sides.
    mutating func drawTrainingDivider(_ trainingEnd: Double?) {
        guard let trainingEnd, trainingEnd.isFinite, trainingEnd >= timeRange.lowerBound,
            trainingEnd <= timeRange.upperBound
        else { return }
        let px = x(trainingEnd)
        append("<path d=\"M\(Markup.px(px)) \(Markup.px(top))V\(Markup.px(bottom))\" stroke=\"\(ChartColors.divider)\""
            + " stroke-width=\"1.2\" stroke-dasharray=\"5 3\" fill=\"none\"/>")
        let trainLabel = "training rows", testLabel = "scored rows"
        let row = reserveLabel(from: px - Self.textWidth(trainLabel) - 6, width: Self.textWidth(trainLabel + testLabel) + 12)
        let py = top + 12 + Double(row) * 13
        let halo = " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\""
        if px - left > Self.textWidth(trainLabel) + 8 {
            text(trainLabel + " ◂", x: px - 4, y: py, anchor: "end", fill: ChartColors.divider, extra: halo)
        }
        if right - px > Self.textWidth(testLabel) + 8 {
            text("▸ " + testLabel, x: px + 4, y: py, fill: ChartColors.divider, extra: halo)
        }
    }

    /// Frame around the plot.
    mutating func drawFrame() {
        append("<rect x=\"\(Markup.px(left))\" y=\"\(Markup.px(top))\" width=\"\(Markup.px(right - left))\""
            + " height=\"\(Markup.px(bottom - top))\" fill=\"none\" stroke=\"#bdbdbd\"/>")
    }
}
