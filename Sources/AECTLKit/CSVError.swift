/// A problem in a CSV file, located by file and 1-based line (and column when known).
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as given on the command line.
    public var file: String
    /// The 1-based line, counting the header.
    public var line: Int
    /// What is wrong.
    public var message: String

    /// Creates an error at `file`:`line`.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }
}
