/// One metric family aed exports: its name (Prometheus conventions: `aed_` prefix, base units,
/// `_total` for counters), kind, label names and help text.
///
/// `DaemonMetrics.families` lists them all; the README's metric table and `DESIGN.md` name the
/// same ones (a test checks the README).
public struct MetricFamily: Sendable, Equatable {
    /// `counter`, `gauge` or `histogram`, as in the exposition format's `# TYPE` line.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The full metric name, e.g. `aed_vectors_scored_total`.
    public var name: String
    public var kind: Kind
    /// Label names, in the order they are rendered.
    public var labels: [String]
    /// The `# HELP` text.
    public var help: String

    init(_ name: String, _ kind: Kind, _ labels: [String], _ help: String) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
    }
}
