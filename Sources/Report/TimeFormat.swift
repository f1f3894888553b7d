import Foundation

/// Calendar arithmetic in UTC and time formatting for tables, without locale or time zone.
public enum TimeFormat {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A time broken into UTC calendar fields (for elapsed times, `day` counts days from 0).
    struct Parts: Equatable {
        var day: Int  // days since 1970-01-01 (or since t = 0)
        var year: Int
        var month: Int  // 1...12
        var dayOfMonth: Int  // 1...31
        var hour: Int
        var minute: Int
        var second: Int

        /// `Mar 5`.
        var monthDay: String { "\(TimeFormat.monthNames[month - 1]) \(dayOfMonth)" }
        /// `2024-03-05`.
        var isoDate: String { "\(year)-\(pad(month))-\(pad(dayOfMonth))" }

        /// `14:05` or `14:05:30`.
        func clock(seconds: Bool) -> String {
            pad(hour) + ":" + pad(minute) + (seconds ? ":" + pad(second) : "")
        }

        private func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
    }

    /// The calendar fields of `time` seconds after 1970-01-01 00:00 UTC (whole seconds, floored).
    static func parts(_ time: Double) -> Parts {
        let clamped = min(max(time, -1e14), 1e14)
        let seconds = Int(clamped.rounded(.down))
        let day = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - day * 86400
        let (year, month, dayOfMonth) = civil(fromDays: day)
        return Parts(
            day: day, year: year, month: month, dayOfMonth: dayOfMonth, hour: secondOfDay / 3600,
            minute: secondOfDay % 3600 / 60, second: secondOfDay % 60)
    }

    /// Seconds since the epoch of the first of `month` (1...12) of `year`, 00:00 UTC.
    static func time(year: Int, month: Int) -> Double {
        Double(days(fromCivil: year, month, 1)) * 86400
    }

    /// A table cell for a vector time: `2024-03-05 14:02` (`:05` seconds when not whole
    /// minutes) for epoch times, `+2d 06:00` for elapsed ones, `—` when not finite.
    public static func instant(_ time: Double, style: TimeStyle) -> String {
        guard time.isFinite else { return "—" }
        let p = parts(time)
        let clock = p.clock(seconds: p.second != 0)
        switch style {
        case .epoch: return p.isoDate + " " + clock
        case .elapsed: return "+\(p.day)d " + clock
        }
    }

    /// A duration for people: `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let total = Int(abs(seconds).rounded())
        let sign = seconds < 0 ? "-" : ""
        if total < 60 { return "\(sign)\(total) s" }
        if total < 3600 { return "\(sign)\(total / 60) min" + (total % 60 != 0 ? " \(total % 60) s" : "") }
        if total < 86400 { return "\(sign)\(total / 3600) h" + (total % 3600 / 60 != 0 ? " \(total % 3600 / 60) min" : "") }
        return "\(sign)\(total / 86400) d" + (total % 86400 / 3600 != 0 ? " \(total % 86400 / 3600) h" : "")
    }

    /// Year, month, day of the proleptic Gregorian calendar for days since 1970-01-01.
    /// Reference: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", `civil_from_days`.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
