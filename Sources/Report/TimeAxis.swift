import Foundation

/// How vector times are labelled: as UTC dates or as time elapsed since t = 0.
public enum TimeStyle: Equatable, Sendable {
    /// Unix epoch seconds, labelled as UTC dates and times.
    case epoch
    /// Seconds from the start of the series, labelled as days + hh:mm.
    case elapsed

    /// `epoch` when `time` (the earliest of a range) is after 1e9 s (September 2001), else `elapsed`.
    public init(earliest time: Double) {
        self = time > 1e9 ? .epoch : .elapsed
    }
}

/// One labelled tick of a time axis: a time and up to two lines of text.
struct TimeTick: Equatable {
    /// The vector time, seconds.
    var time: Double
    /// The first label line (`14:00`, `Mar 5`, `+2d`).
    var label: String
    /// A second line where the day (or year) changes, and on the first tick; nil elsewhere.
    var context: String?
}

/// Tick positions and labels for a time axis, aligned to round UTC (or elapsed) times.
enum TimeAxis {
    /// Candidate tick spacings in seconds, smallest first (months and years are handled apart).
    static let steps: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600,
        12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400,
    ]

    /// Ticks for `low...high` (seconds) over `pixels`, at least `spacing` pixels apart.
    static func ticks(low: Double, high: Double, pixels: Double, style: TimeStyle, spacing: Double = 64) -> [TimeTick] {
        guard high > low, pixels > 0, low.isFinite, high.isFinite else { return [] }
        let secondsPerPixel = (high - low) / pixels
        let minimumStep = secondsPerPixel * spacing
        if let step = steps.first(where: { $0 >= minimumStep }) {
            // Weeks start on Mondays for dates (1970-01-05 was one); everything else at multiples.
            let origin = style == .epoch && step >= 7 * 86400 ? 4 * 86400.0 : 0
            var times: [Double] = []
            var time = ((low - origin) / step).rounded(.up) * step + origin
            while time <= high && times.count < 200 {
                times.append(time)
                time += step
            }
            return label(times, step: step, style: style)
        }
        if style == .elapsed {
            let step = SymlogScale.niceStep(minimumStep / 86400) * 86400
            var times: [Double] = []
            var time = (low / step).rounded(.up) * step
            while time <= high && times.count < 200 {
                times.append(time)
                time += step
            }
            return label(times, step: step, style: style)
        }
        return monthTicks(low: low, high: high, minimumStep: minimumStep)
    }

    private static func label(_ times: [Double], step: Double, style: TimeStyle) -> [TimeTick] {
        var ticks: [TimeTick] = []
        var previousKey: Int?  // the day (or year) of the previous tick: context shows on change
        for time in times {
            let parts = TimeFormat.parts(time)
            let clock = parts.clock(seconds: step < 60)
            let label: String, key: Int, context: String?
            switch (style, step < 86400) {
            case (.epoch, true):
                (label, key) = (clock, parts.day)
                context = parts.monthDay + (previousKey == nil ? ", \(parts.year)" : "")
            case (.epoch, false):
                (label, key, context) = (parts.monthDay, parts.year, String(parts.year))
            case (.elapsed, true):
                (label, key, context) = (clock, parts.day, "+\(parts.day)d")
            case (.elapsed, false):
                (label, key, context) = ("+\(parts.day)d", 0, nil)
            }
            ticks.append(TimeTick(time: time, label: label, context: key != previousKey ? context : nil))
            previousKey = key
        }
        return ticks
    }

    private static func monthTicks(low: Double, high: Double, minimumStep: Double) -> [TimeTick] {
        let months = [1, 2, 3, 6, 12, 24, 60, 120, 600].first { Double($0) * 30.44 * 86400 >= minimumStep } ?? 1200
        var date = TimeFormat.parts(low)
        var month = (date.year * 12 + date.month - 1)
        month = (month + months - 1) / months * months
        if TimeFormat.time(year: month / 12, month: month % 12 + 1) < low { month += months }
        var ticks: [TimeTick] = []
        var previousYear: Int?
        while ticks.count < 200 {
            let time = TimeFormat.time(year: month / 12, month: month % 12 + 1)
            guard time <= high else { break }
            date = TimeFormat.parts(time)
            if months >= 12 {
                ticks.append(TimeTick(time: time, label: String(date.year), context: nil))
            } else {
                let yearChanged = previousYear != date.year
                ticks.append(TimeTick(
                    time: time, label: TimeFormat.monthNames[date.month - 1],
                    context: yearChanged ? String(date.year) : nil))
            }
            previousYear = date.year
            month += months
        }
        return ticks
    }
}
