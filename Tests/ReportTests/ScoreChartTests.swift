import Detectors
import Foundation
import Testing
@testable import Report

@Suite("Score chart")
struct ScoreChartTests {
    /// `count` vectors a minute apart from an epoch start, scores cycling through `scores`.
    static func trace(count: Int, scores: (Int) -> Double = { 0.3 + Double($0 % 17) / 20 }) -> DetectorTrace {
        DetectorTrace(
            name: "ae", times: (0..<count).map { 1_700_000_000 + Double($0) * 60 }, scores: (0..<count).map(scores),
            thresholds: [ThresholdStep(start: 1_700_000_000 + 600, value: 1.2)],
            alertTimes: stride(from: 0, to: count, by: 97).map { 1_700_000_000 + Double($0) * 60 })
    }

    /// The `d` attribute of the first `<path>` drawn with `stroke`.
    static func path(stroked stroke: String, in svg: String) -> String? {
        for piece in svg.components(separatedBy: "<path d=\"").dropFirst() {
            let attributes = piece.prefix { $0 != ">" }
            if attributes.contains("stroke=\"\(stroke)\"") {
                return piece.components(separatedBy: "\"")[0]
            }
        }
        return nil
    }

    @Test("a 200,000-vector trace yields a page under 1 MB and a bounded number of elements",
        arguments: [2_000, 200_000])
    func boundedOutput(vectors: Int) throws {
        let trace = Self.trace(count: vectors)
        let svg = ScoreChart.svg(trace, width: 1100, height: 280)
        #expect(xmlError(svg) == nil)
        #expect(svg.utf8.count < 250_000)
        #expect(elementCount(svg) < 120, "\(elementCount(svg)) elements")
        let report = ReplayReport(
            title: "big", detectors: [trace, DetectorTrace(name: "vae", times: trace.times, scores: trace.scores.map { -$0 })],
            labelledAnomalies: stride(from: 0, to: vectors, by: 50).map {
                TimeSpan(start: trace.times[$0], end: trace.times[$0] + 600)
            },
            retrains: stride(from: 0, to: vectors, by: 100).map {
                RetrainMark(time: trace.times[$0], detector: "ae", outcome: .trained, trigger: "samples")
            })
        let html = ReplayReportPage.html(report)
        #expect(html.utf8.count < 1_000_000)
        #expect(elementCount(html) < 2_500, "\(elementCount(html)) elements")
    }

    @Test("each pixel column draws the minimum, maximum and last of its scores")
    func columnAggregation() throws {
        // 100 vectors over 10 columns: column 3 holds vectors 30...39.
        let scores: [Double] = (0..<100).map { i in
            let base: Double = i % 10 == 4 ? 9 : (i % 10 == 7 ? -3 : 1)
            return base + Double(i) / 1000
        }
        let trace = DetectorTrace(name: "x", times: (0..<100).map(Double.init), scores: scores)
        let aggregate = ColumnAggregate(trace, columns: 10, low: 0, high: 99)
        #expect(aggregate.count.reduce(0, +) == 100)
        #expect(aggregate.count.allSatisfy { $0 >= 9 && $0 <= 11 })
        let c = aggregate.column(of: 35)!
        #expect(c == 3 && aggregate.firstTime[c] == 30 && aggregate.lastTime[c] == 39)
        #expect(aggregate.maximum[c] == scores[34])
        #expect(aggregate.minimum[c] == scores[37])
        #expect(aggregate.last[c] == scores[39])
        #expect(aggregate.column(of: 99) == 9)
        #expect(aggregate.column(of: -1) == nil && aggregate.column(of: Double.nan) == nil)
    }

    @Test("the symmetric log scale is odd, monotone, inverted exactly, and finite at the extremes")
    func symlog() throws {
        let scale = SymlogScale(constant: 0.5)
        #expect(scale.transform(0) == 0)
        let values = [-1e300, -1e6, -20, -1, -0.1, 0, 1e-9, 0.1, 1, 20, 1e6, Double.greatestFiniteMagnitude]
        let transformed = values.map(scale.transform)
        #expect(transformed.allSatisfy { $0.isFinite })
        #expect(transformed == transformed.sorted())
        for value in [-20.0, -0.1, 0.3, 1e6] {
            #expect(abs(scale.inverse(scale.transform(value)) - value) <= 1e-9 * max(1, abs(value)))
            #expect(scale.transform(-value) == -scale.transform(value))
        }
        // Far from zero it is a log10 axis: a decade is one unit.
        #expect(abs(scale.transform(1e6) - scale.transform(1e5) - 1) < 1e-5)
    }

    @Test("c is fitted from the scores: low for one-signed scores, the median |score| for mixed signs")
    func fittedConstant() throws {
        let positive = (1...1000).map { Double($0) / 1000 }  // 0.001 ... 1
        #expect(abs(SymlogScale.fitted(scores: positive, thresholds: []).constant - 0.05) < 0.002)
        #expect(SymlogScale.fitted(scores: positive, thresholds: [0.2]).constant == 0.02)
        let mixed = (0..<1000).map { Double($0 % 60) - 20 }  // -20 ... 39
        #expect(SymlogScale.fitted(scores: mixed, thresholds: [25]).constant > 5)
        #expect(SymlogScale.fitted(scores: [0, 0, .nan, .infinity], thresholds: []).constant == 1)
        #expect(SymlogScale.fitted(scores: [], thresholds: [4]).constant == 0.4)
    }

    @Test("ticks on a symlog axis are round values, 0 and negatives included, not crowded")
    func symlogTicks() throws {
        let scale = SymlogScale(constant: 1)
        let ticks = scale.ticks(low: scale.transform(-30), high: scale.transform(500), pixels: 240)
        #expect(ticks.contains(0) && ticks.contains(-10) && ticks.contains(10) && ticks.contains(100))
        let positions = ticks.map { scale.transform($0) * 240 / (scale.transform(500) - scale.transform(-30)) }
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $1 - $0 >= 18 })
        // A narrow range far from zero gets evenly spaced round numbers.
        let narrow = scale.ticks(low: scale.transform(1000), high: scale.transform(2000), pixels: 240)
        #expect(narrow.count >= 3)
        #expect(narrow.allSatisfy { $0 >= 1000 && $0 <= 2000 && $0.truncatingRemainder(dividingBy: 100) == 0 })
    }

    @Test("zero and negative scores are drawn, with a 0 tick and negative ticks")
    func negativeScores() throws {
        let trace = DetectorTrace(
            name: "vae", times: (0..<600).map { Double($0) * 60 }, scores: (0..<600).map { Double($0 % 61) - 20 },
            thresholds: [ThresholdStep(start: 0, value: 25)])
        let svg = ScoreChart.svg(trace)
        #expect(xmlError(svg) == nil)
        #expect(svg.contains(">0</text>") && svg.contains(">-10</text>") && svg.contains(">10</text>"))
        #expect(Self.path(stroked: ChartColors.band, in: svg) != nil)
    }

    @Test("NaN and infinite scores and times neither break the SVG nor appear in it")
    func nonFinite() throws {
        var trace = Self.trace(count: 1000)
        for i in stride(from: 0, to: 1000, by: 10) { trace.scores[i] = .nan }
        trace.scores[5] = .infinity
        trace.scores[6] = -.infinity
        trace.times[7] = .nan
        trace.times[8] = .infinity
        trace.thresholds.append(ThresholdStep(start: trace.times[500], value: .nan))
        trace.thresholds.append(ThresholdStep(start: trace.times[600], value: .infinity))
        trace.thresholds.append(ThresholdStep(start: .nan, value: 2))
        trace.alertTimes += [.nan, -.infinity]
        let spans = [TimeSpan(start: .nan, end: 3), TimeSpan(start: trace.times[100], end: .infinity)]
        let svg = ScoreChart.svg(
            trace, spans: spans, retrains: [RetrainMark(time: .nan, detector: "ae", outcome: .trained, trigger: "x")],
            shifts: [ShiftMark(time: .infinity, features: [])], trainingEnd: .nan)
        #expect(xmlError(svg) == nil)
        for bad in ["nan", "inf", "NaN"] { #expect(!svg.contains(bad), "\(bad) in the SVG") }
        let html = ReplayReportPage.html(ReplayReport(title: "t", detectors: [trace], trainingEnd: .infinity))
        #expect(xmlError(html) == nil)
        #expect(html.contains("non-finite scores"))
        // All scores non-finite: an empty plot, still valid.
        let allBad = DetectorTrace(name: "x", times: [0, 60, 120], scores: [.nan, .infinity, -.infinity])
        #expect(xmlError(ScoreChart.svg(allBad)) == nil)
    }

    @Test("a detector that never scored draws an empty, labelled plot")
    func emptyTrace() throws {
        let svg = ScoreChart.svg(DetectorTrace(name: "pca"))
        #expect(xmlError(svg) == nil)
        #expect(svg.contains("has not scored a vector"))
        #expect(Self.path(stroked: ChartColors.band, in: svg) == nil)
    }

    @Test("a one-vector trace gets a widened axis and a visible dot")
    func oneVector() throws {
        let trace = DetectorTrace(name: "ae", times: [1_700_000_000], scores: [0.4], alertTimes: [1_700_000_000])
        let svg = ScoreChart.svg(trace)
        #expect(xmlError(svg) == nil)
        #expect(svg.contains("a2 2 0 1 0 4 0"), "a dot marks the lone score")
        #expect(Self.path(stroked: ChartColors.alert, in: svg) != nil)
        #expect(ScoreChart.widened(5...5) == (-25)...35)
    }

    @Test("the threshold is a step line starting at the first step, changing at each promotion")
    func thresholdSteps() throws {
        // Times 0 ... 5940 s over 1,000 columns; steps at 1200 s (1.0) and 3000 s (4.0).
        let trace = DetectorTrace(
            name: "ae", times: (0..<100).map { Double($0) * 60 }, scores: Array(repeating: 0.5, count: 100),
            thresholds: [ThresholdStep(start: 1200, value: 1), ThresholdStep(start: 3000, value: 4)])
        let svg = ScoreChart.svg(trace, width: 1076, height: 300)  // plot: 62 ... 1062
        let d = try #require(Self.path(stroked: ChartColors.threshold, in: svg))
        // One move to the first step's start, a level, a vertical change, a level to the end.
        #expect(d.hasPrefix("M264 "))
        #expect(occurrences(of: "M", in: d) == 1 && occurrences(of: "V", in: d) == 1 && occurrences(of: "H", in: d) == 2)
        #expect(d.contains("H567.1V") && d.hasSuffix("H1062"))
        #expect(svg.contains(">threshold 4</text>"))
        #expect(svg.contains("no model yet"), "the time before the first model is shaded as warming up")
    }

    @Test("time labels: UTC dates for epoch times, elapsed days + hh:mm otherwise")
    func timeLabels() throws {
        let epoch = ScoreChart.svg(Self.trace(count: 3 * 1440))  // 2023-11-14 22:13 UTC + 3 days
        #expect(epoch.contains(">UTC</text>"))
        #expect(epoch.contains(">Nov 15</text>") || epoch.contains(">Nov 15, 2023</text>"))
        let elapsed = ScoreChart.svg(DetectorTrace(
            name: "ae", times: (0..<3000).map { Double($0) * 60 }, scores: Array(repeating: 1, count: 3000)))
        #expect(elapsed.contains(">elapsed</text>"))
        #expect(elapsed.contains(">+1d</text>") && elapsed.contains(">06:00</text>"))
        #expect(!elapsed.contains(">1970"))
    }

    @Test("axis labels stay inside a small chart and clear of the time caption")
    func labelsInside() throws {
        // One day ending exactly on a tick (midnight), drawn 640 px wide as on the live page.
        let trace = DetectorTrace(
            name: "ae", times: (0...1440).map { 1_709_510_400 + Double($0) * 60 }, scores: Array(repeating: 1, count: 1441))
        let svg = ScoreChart.svg(trace, width: 640, height: 170)
        let pattern = ##"<text x="([-0-9.]+)" y="[-0-9.]+" text-anchor="middle" fill="#[0-9a-f]+">([^<]*)</text>"##
        let regex = try NSRegularExpression(pattern: pattern)
        let matches = regex.matches(in: svg, range: NSRange(svg.startIndex..., in: svg))
        #expect(matches.count >= 4)
        for match in matches {
            let x = Double(svg[Range(match.range(at: 1), in: svg)!])!
            let label = String(svg[Range(match.range(at: 2), in: svg)!])
            let half = ChartDrawing.textWidth(label) / 2
            #expect(x - half >= 0 && x + half <= 640, "\(label) at \(x)")
            if label.contains("2024") { #expect(x - half >= 4 + ChartDrawing.textWidth("UTC")) }
        }
    }

    @Test("marks: shifts are labelled with their features, retrains coloured by outcome with a tooltip")
    func marks() throws {
        let trace = Self.trace(count: 2000)
        let svg = ScoreChart.svg(
            trace,
            retrains: [
                RetrainMark(time: trace.times[100], detector: "ae", outcome: .trained, trigger: "initial"),
                RetrainMark(time: trace.times[900], detector: "ae", outcome: .failed, trigger: "interval", reason: "NaN loss"),
                RetrainMark(time: trace.times[1500], detector: "ae", outcome: .skipped, trigger: "request"),
            ],
            shifts: [ShiftMark(time: trace.times[1200], features: [
                FeatureShift(name: "cpu", sigmas: 31.4), FeatureShift(name: "mem", sigmas: -2),
                FeatureShift(name: "disk", sigmas: 5), FeatureShift(name: "net", sigmas: 4),
            ])])
        #expect(xmlError(svg) == nil)
        #expect(svg.contains(">shift: cpu +31.4σ, mem −2σ, disk +5σ, +1 more</text>"))
        for color in [ChartColors.promoted, ChartColors.failed, ChartColors.skipped] {
            #expect(svg.contains("fill=\"\(color)\""))
        }
        #expect(svg.contains("interval, failed — NaN loss</title>"))
    }
}
