/// Everything `aed replay --report` shows, as plain data: the page is rendered from this alone.
///
/// Times throughout are vector times in seconds: Unix epoch seconds when the series has a `ts`
/// column (values above 1e9 are labelled as UTC dates), else seconds from the start of the
/// replay (0, 60, 120, ...; labelled as elapsed days and hours).
public struct ReplayReport: Sendable, Codable, Equatable {
    /// The page's heading and `<title>`, e.g. `aed replay — smd_machine-1-7 (stream "replay")`.
    public var title: String
    /// Label/value pairs shown as the summary table at the top, in order: vectors, alerts,
    /// episodes, retrains, shifts, overall precision/recall/F1/FPR, config path, target FPR, ...
    public var facts: [ReportFact]
    /// One score chart per detector, in this order.
    public var detectors: [DetectorTrace]
    /// Spans of consecutive label-1 vectors, shaded on every chart; empty without labels.
    public var labelledAnomalies: [TimeSpan]
    /// The vector time (seconds) where the `--train` rows end and the scored `--file` rows begin,
    /// drawn as a vertical divider; nil without `--train`.
    public var trainingEnd: Double?
    /// Every training run of the replay, all detectors; each chart shows its own detector's
    /// (and those with an empty `detector`, which concern all).
    public var retrains: [RetrainMark]
    /// Level shifts the stream recorded; shown on every chart.
    public var shifts: [ShiftMark]
    /// Alert episodes; the page lists the largest (most vectors) with their top features.
    public var episodes: [EpisodeRow]

    /// Creates a report; everything but the title defaults to empty.
    public init(
        title: String, facts: [ReportFact] = [], detectors: [DetectorTrace] = [],
        labelledAnomalies: [TimeSpan] = [], trainingEnd: Double? = nil, retrains: [RetrainMark] = [],
        shifts: [ShiftMark] = [], episodes: [EpisodeRow] = []
    ) {
        self.title = title
        self.facts = facts
        self.detectors = detectors
        self.labelledAnomalies = labelledAnomalies
        self.trainingEnd = trainingEnd
        self.retrains = retrains
        self.shifts = shifts
        self.episodes = episodes
    }
}

/// One row of a summary table: a label and its value, both already formatted as text.
public struct ReportFact: Sendable, Codable, Equatable {
    /// What is measured, e.g. `alerts` or `precision (AE or VAE)`.
    public var label: String
    /// The value with its unit, e.g. `1,234` or `0.84` or `1 %`.
    public var value: String

    /// Creates a fact.
    public init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }
}
