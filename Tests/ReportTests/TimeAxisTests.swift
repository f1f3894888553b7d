import Foundation
import Testing
@testable import Report

@Suite("Time axis and formats")
struct TimeAxisTests {
    @Test("calendar arithmetic matches known dates and round-trips", arguments: [
        (0.0, "1970-01-01 00:00"), (951_782_400, "2000-02-29 00:00"), (1_709_510_400, "2024-03-04 00:00"),
        (1_709_562_645, "2024-03-04 14:30:45"), (-86400, "1969-12-31 00:00"),
    ])
    func calendar(time: Double, text: String) {
        #expect(TimeFormat.instant(time, style: .epoch) == text)
        let parts = TimeFormat.parts(time)
        #expect(TimeFormat.days(fromCivil: parts.year, parts.month, parts.dayOfMonth) == parts.day)
    }

    @Test("epoch times above 1e9 s are dates; smaller ones are elapsed time")
    func style() {
        #expect(TimeStyle(earliest: 1_709_510_400) == .epoch)
        #expect(TimeStyle(earliest: 0) == .elapsed)
        #expect(TimeFormat.instant(2 * 86400 + 6 * 3600, style: .elapsed) == "+2d 06:00")
        #expect(TimeFormat.instant(.nan, style: .epoch) == "—")
    }

    @Test("tick spacing adapts to the range: minutes, hours, days, weeks, months")
    func spacing() {
        let start = 1_709_510_400.0  // Monday 2024-03-04 00:00 UTC
        func step(_ seconds: Double) -> Double {
            let ticks = TimeAxis.ticks(low: start, high: start + seconds, pixels: 1000, style: .epoch)
            return ticks[1].time - ticks[0].time
        }
        #expect(step(3600) == 300)
        #expect(step(86400) == 7200)
        #expect(step(28 * 86400) == 2 * 86400)
        #expect(step(120 * 86400) == 14 * 86400)
        let year = TimeAxis.ticks(low: start, high: start + 400 * 86400, pixels: 1000, style: .epoch)
        #expect(year.map(\.label).prefix(3) == ["Apr", "May", "Jun"])
        #expect(year.first?.context == "2024" && year.first { $0.label == "Jan" }?.context == "2025")
    }

    @Test("hour ticks are labelled hh:mm with the day where it changes")
    func hourLabels() {
        let start = 1_709_510_400.0 + 20 * 3600
        let ticks = TimeAxis.ticks(low: start, high: start + 12 * 3600, pixels: 800, style: .epoch)
        #expect(ticks.first?.label == "20:00" && ticks.first?.context == "Mar 4, 2024")
        let midnight = try! #require(ticks.first { $0.label == "00:00" })
        #expect(midnight.context == "Mar 5")
        #expect(ticks.filter { $0.context != nil }.count == 2)
        let elapsed = TimeAxis.ticks(low: 0, high: 2 * 86400, pixels: 1000, style: .elapsed)
        #expect(elapsed.first?.label == "00:00" && elapsed.first?.context == "+0d")
        #expect(elapsed.contains { $0.label == "00:00" && $0.context == "+1d" })
        let long = TimeAxis.ticks(low: 0, high: 400 * 86400, pixels: 1000, style: .elapsed)
        #expect(long.allSatisfy { $0.label.hasPrefix("+") && $0.label.hasSuffix("d") })
    }

    @Test("durations and numbers read naturally")
    func formats() {
        #expect(TimeFormat.duration(45) == "45 s")
        #expect(TimeFormat.duration(12 * 60) == "12 min")
        #expect(TimeFormat.duration(3 * 3600 + 20 * 60) == "3 h 20 min")
        #expect(TimeFormat.duration(2 * 86400 + 4 * 3600) == "2 d 4 h")
        #expect(Markup.number(1.2) == "1.2" && Markup.number(0.05) == "0.05" && Markup.number(-10) == "-10")
        #expect(Markup.number(1e6) == "1e6" && Markup.number(2.5e-4) == "2.5e-4" && Markup.number(99_999) == "99999")
        #expect(Markup.number(.nan) == "NaN" && Markup.number(-.infinity) == "−∞")
        #expect(Markup.count(40000) == "40,000" && Markup.count(-1234567) == "-1,234,567")
        #expect(Markup.px(12.34) == "12.3" && Markup.px(-0.04) == "0" && Markup.px(-0.25) == "-0.3")
        #expect(Markup.px(.nan) == "0")
        #expect(Markup.escape("a<b>&\"c'\u{1}") == "a&lt;b&gt;&amp;&quot;c&#39;")
    }
}
