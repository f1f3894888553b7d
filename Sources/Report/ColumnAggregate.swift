/// A trace reduced to one summary per pixel column: what a chart of any length draws.
///
/// Each column holds the minimum, maximum and last (in trace order) of the scores whose times
/// fall in it, NaN skipped and infinities kept (drawn at the plot's edge), so 200,000 vectors
/// on 1,100 columns cost 1,100 summaries, not 200,000 SVG nodes.
struct ColumnAggregate {
    /// Columns across the plot.
    let columns: Int
    /// The time range mapped onto the columns, seconds; `low < high`.
    let low: Double, high: Double
    /// Scores per column (NaN not counted).
    var count: [Int]
    /// Smallest, largest and last score per column (meaningless where `count` is 0).
    var minimum: [Double], maximum: [Double], last: [Double]
    /// The earliest and latest vector time per column, seconds.
    var firstTime: [Double], lastTime: [Double]
    /// Alerts per column.
    var alerts: [Int]
    /// Scores skipped as NaN, and non-finite times skipped.
    var skipped = 0

    /// Aggregates `trace` over `columns` columns spanning `low...high`; vectors outside the range
    /// are left out.
    /// - Precondition: `columns > 0` and `low < high`.
    init(_ trace: DetectorTrace, columns: Int, low: Double, high: Double) {
        precondition(columns > 0 && low < high, "ColumnAggregate: columns \(columns), range \(low)...\(high)")
        self.columns = columns
        self.low = low
        self.high = high
        count = Array(repeating: 0, count: columns)
        minimum = Array(repeating: .infinity, count: columns)
        maximum = Array(repeating: -.infinity, count: columns)
        last = Array(repeating: .nan, count: columns)
        firstTime = Array(repeating: .infinity, count: columns)
        lastTime = Array(repeating: -.infinity, count: columns)
        alerts = Array(repeating: 0, count: columns)
        for i in 0..<min(trace.times.count, trace.scores.count) {
            let score = trace.scores[i]
            guard !score.isNaN, let column = column(of: trace.times[i]) else {
                skipped += 1
                continue
            }
            count[column] += 1
            minimum[column] = min(minimum[column], score)
            maximum[column] = max(maximum[column], score)
            last[column] = score
            firstTime[column] = min(firstTime[column], trace.times[i])
            lastTime[column] = max(lastTime[column], trace.times[i])
        }
        for time in trace.alertTimes {
            if let column = column(of: time) { alerts[column] += 1 }
        }
    }

    /// The column of `time`, or nil if it is outside the range or not finite.
    func column(of time: Double) -> Int? {
        guard time.isFinite, time >= low, time <= high else { return nil }
        return min(columns - 1, Int((time - low) / (high - low) * Double(columns)))
    }

    /// The smallest and largest finite score over all columns, or nil if there is none.
    var finiteRange: (low: Double, high: Double)? {
        var lowest = Double.infinity, highest = -Double.infinity
        for c in 0..<columns where count[c] > 0 {
            for value in [minimum[c], maximum[c]] where value.isFinite {
                lowest = min(lowest, value)
                highest = max(highest, value)
            }
        }
        return lowest <= highest ? (lowest, highest) : nil
    }
}
