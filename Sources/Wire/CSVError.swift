/// A problem in a CSV file, located by file and 1-based line (and column when known).
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as given on the command line.
    public var file: String
    /// The 1-based line, counting the header.
    public var line: Int
    /// What is wrong.
    public var message: String
    /// Which kind of problem this is.
    public var kind: Kind

    /// The kinds of CSV problems.
    public enum Kind: Sendable, Equatable {
        /// The file cannot be read or is not UTF-8 text.
        case unreadable
        /// The file has a header but no data rows.
        case noData
        /// A line's content is wrong (header, ragged row, a cell that is not a finite number, a label).
        case content
    }

    /// Creates an error at `file`:`line`.
    public init(file: String, line: Int, message: String, kind: Kind = .content) {
        self.file = file
        self.line = line
        self.message = message
        self.kind = kind
    }

    /// `file:line: message`, or `file: message` for the whole file (line 0).
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
