import Wire

/// Recognises a level shift: a stream whose alert rate stays far above its target for longer
/// than an anomaly episode should last.
///
/// Vectors are counted, in vector-time order, into tumbling sub-windows that each close once
/// they span a sixth of the shift window in time **and** a sixth of its vectors
/// (`shift_window`, `shift_vectors`). A shift is recognised when the last six closed
/// sub-windows together had an alert share of at least `shift_alert_rate`, each of them at
/// least half of it, and the last one (the storm is still on) the full rate. So a burst of anomalies shorter than the window (in time or in vectors) is
/// never taken for a shift, and the storm after a real shift lasts at most the window plus one
/// sub-window before it is recognised. The same counts give the recent alert rate shown in
/// `aectl status`.
struct ShiftDetector: Sendable {
    /// One sub-window's counts.
    struct Window: Sendable, Equatable {
        /// First and last vector time in it, seconds.
        var start: Double
        var end: Double
        var vectors = 0
        var alerted = 0
        var rate: Double { vectors > 0 ? Double(alerted) / Double(vectors) : 0 }
    }

    /// Sub-windows per shift window.
    static let parts = 6
    private(set) var window: Double
    private(set) var minimumVectors: Int
    private(set) var alertRate: Double
    private(set) var closed: [Window] = []
    private(set) var current: Window?
    /// The sub-window that the last `note` closed, or nil when it closed none.
    private(set) var justClosed: Window?
    /// False after a shift that was not adopted (policy `alert`): it is not recorded again
    /// until it is accepted.
    var armed = true

    /// A detector for a shift window of `window` seconds and `vectors` vectors at `alertRate`.
    init(window: Double, vectors: Int, alertRate: Double) {
        self.window = window
        self.minimumVectors = vectors
        self.alertRate = alertRate
    }

    /// Takes new settings (a reload); counts so far are kept.
    mutating func configure(window: Double, vectors: Int, alertRate: Double) {
        self.window = window
        self.minimumVectors = vectors
        self.alertRate = alertRate
    }

    /// Counts one scored vector at vector time `time`.
    /// - Returns: the recognised shift's window (its first sub-window's start, the alert share
    ///   and the vectors over all six), or nil.
    mutating func note(time: Double, alerted: Bool) -> (started: Double, rate: Double, vectors: Int)? {
        var part = current ?? Window(start: time, end: time)
        part.end = max(part.end, time)
        part.vectors += 1
        if alerted { part.alerted += 1 }
        justClosed = nil
        let partVectors = (minimumVectors + Self.parts - 1) / Self.parts
        guard part.vectors >= partVectors, part.end - part.start >= window / Double(Self.parts) else {
            current = part
            return nil
        }
        closed.append(part)
        justClosed = part
        if closed.count > Self.parts { closed.removeFirst(closed.count - Self.parts) }
        current = nil
        guard armed, closed.count == Self.parts else { return nil }
        let vectors = closed.reduce(0) { $0 + $1.vectors }
        let rate = Double(closed.reduce(0) { $0 + $1.alerted }) / Double(max(vectors, 1))
        guard rate >= alertRate, closed.allSatisfy({ $0.rate >= alertRate / 2 }), part.rate >= alertRate else { return nil }
        return (closed[0].start, rate, vectors)
    }

    /// Forgets the counts (after a shift was adopted: only what follows counts).
    mutating func reset() {
        closed = []
        current = nil
        justClosed = nil
        armed = true
    }

    /// The alert share over the recent window (closed sub-windows and the open one), the
    /// vectors it covers and the vector time it spans in seconds; nil before any vector.
    var recentAlertRate: (rate: Double, vectors: Int, seconds: Double)? {
        var parts = closed
        if let current { parts.append(current) }
        guard let first = parts.first, let last = parts.last else { return nil }
        let vectors = parts.reduce(0) { $0 + $1.vectors }
        guard vectors > 0 else { return nil }
        return (Double(parts.reduce(0) { $0 + $1.alerted }) / Double(vectors), vectors, last.end - first.start)
    }
}
