/// Everything the live page of aed's metrics endpoint (`GET /`) shows, as plain data: the page
/// is rendered from this alone (`LivePage`), and all of its text is escaped there.
///
/// Times are vector times or wall-clock times in seconds since the Unix epoch, labelled in UTC.
public struct LiveReport: Sendable, Equatable {
    /// The page's heading and `<title>` (`aed on host-1`).
    public var title: String
    /// One line under the heading: when the page was made, version, uptime.
    public var subtitle: String
    /// Seconds after which the page reloads itself (`<meta http-equiv="refresh">`); nil never.
    public var refreshSeconds: Int?
    /// The daemon at a glance: label/value pairs, three to a row.
    public var facts: [ReportFact]
    /// Tables above the charts (streams, models), in order.
    public var tables: [ReportTable]
    /// One group of score charts per stream, in order.
    public var streams: [StreamCharts]
    /// A sentence above the charts (which streams are charted, how many scores each); nil for none.
    public var chartNote: String?
    /// Tables below the charts (recent alerts, level shifts), in order.
    public var details: [ReportTable]

    /// Creates a live report; everything but the title defaults to empty.
    public init(
        title: String, subtitle: String = "", refreshSeconds: Int? = nil, facts: [ReportFact] = [],
        tables: [ReportTable] = [], streams: [StreamCharts] = [], chartNote: String? = nil, details: [ReportTable] = []
    ) {
        self.title = title
        self.subtitle = subtitle
        self.refreshSeconds = refreshSeconds
        self.facts = facts
        self.tables = tables
        self.streams = streams
        self.chartNote = chartNote
        self.details = details
    }
}

/// One stream's score charts on the live page: a chart per detector on a shared time axis.
public struct StreamCharts: Sendable, Equatable {
    /// The stream's name (the heading).
    public var stream: String
    /// Label/value pairs under the heading (state, recent alert rate against the target, ...).
    public var facts: [ReportFact]
    /// One chart per detector, in order; a trace's `facts` are shown above its chart.
    public var traces: [DetectorTrace]
    /// Training runs to mark (each chart shows its own detector's and those with an empty detector).
    public var retrains: [RetrainMark]
    /// Level shifts to mark on every chart.
    public var shifts: [ShiftMark]

    /// Creates a stream's charts.
    public init(
        stream: String, facts: [ReportFact] = [], traces: [DetectorTrace] = [], retrains: [RetrainMark] = [],
        shifts: [ShiftMark] = []
    ) {
        self.stream = stream
        self.facts = facts
        self.traces = traces
        self.retrains = retrains
        self.shifts = shifts
    }
}
