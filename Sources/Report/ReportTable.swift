/// A table of a report page: a heading, column names and rows of already formatted text.
public struct ReportTable: Sendable, Equatable {
    /// The heading above the table (`Streams`, `Recent alerts`).
    public var title: String
    /// A sentence under the heading (what the rows are, what is left out); nil for none.
    public var note: String?
    /// The columns, in order.
    public var columns: [ReportColumn]
    /// The rows; each has one cell per column (missing cells are left empty, extra ones dropped).
    public var rows: [[ReportCell]]
    /// Shown instead of an empty table (`no alerts yet`); nil leaves an empty table out.
    public var emptyText: String?

    /// Creates a table.
    public init(
        title: String, note: String? = nil, columns: [ReportColumn], rows: [[ReportCell]], emptyText: String? = nil
    ) {
        self.title = title
        self.note = note
        self.columns = columns
        self.rows = rows
        self.emptyText = emptyText
    }
}

/// A column of a `ReportTable`.
public struct ReportColumn: Sendable, Equatable {
    /// Its heading.
    public var name: String
    /// Whether it holds numbers: right-aligned, tabular digits.
    public var numeric: Bool

    /// Creates a column.
    public init(_ name: String, numeric: Bool = false) {
        self.name = name
        self.numeric = numeric
    }
}

/// One cell of a `ReportTable`: text, how it should stand out, and a tooltip.
public struct ReportCell: Sendable, Equatable, ExpressibleByStringLiteral {
    /// How a cell stands out.
    public enum Tone: String, Sendable, Equatable {
        /// Plain text.
        case plain
        /// In good order (a promoted model).
        case good
        /// Worth a look (an alert rate above its target, a skipped run, warming up).
        case warning
        /// Wrong (a failed run, writes failing, an open level shift).
        case bad
    }

    /// The text shown (escaped when rendered).
    public var text: String
    /// How it stands out.
    public var tone: Tone
    /// A tooltip (the `title` attribute); nil for none.
    public var detail: String?

    /// Creates a cell.
    public init(_ text: String, tone: Tone = .plain, detail: String? = nil) {
        self.text = text
        self.tone = tone
        self.detail = detail
    }

    /// A plain cell from a literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }
}

extension ReportTable {
    /// The table as an HTML `<section>`: heading, note and `<table class="list">`; every text
    /// escaped. Empty without rows and without `emptyText`.
    func html() -> String {
        guard !rows.isEmpty || emptyText != nil else { return "" }
        var html = "<section>\n<h2>\(Markup.escape(title))</h2>\n"
        if let note { html += "<p class=\"note\">\(Markup.escape(note))</p>\n" }
        guard !rows.isEmpty else {
            return html + "<p class=\"empty\">\(Markup.escape(emptyText ?? ""))</p>\n</section>\n"
        }
        html += "<table class=\"list\"><thead><tr>"
        for column in columns { html += "<th\(column.numeric ? " class=\"num\"" : "")>\(Markup.escape(column.name))</th>" }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for (index, column) in columns.enumerated() {
                let cell = index < row.count ? row[index] : ReportCell("")
                var classes: [String] = []
                if column.numeric { classes.append("num") }
                if cell.tone != .plain { classes.append(cell.tone.rawValue) }
                html += "<td" + (classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")
                    + (cell.detail.map { " title=\"\(Markup.escape($0))\"" } ?? "") + ">\(Markup.escape(cell.text))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>\n</section>\n"
    }
}
