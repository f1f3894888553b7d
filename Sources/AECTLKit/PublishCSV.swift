import Wire
/// Vectors read from a CSV file for publishing: a header row, then one vector a line.
///
/// The rows are parsed by `CSVReader` (the same reader `aectl eval` uses), leniently: blank lines
/// are skipped.
public struct CSVVectors: Sendable {
    /// The header's column names.
    public let header: [String]
    /// The vectors, `[count, dimension]` row-major.
    public let values: [Float]
    /// Features per vector (the header's column count).
    public let dimension: Int
    /// The number of vectors.
    public var count: Int { values.count / dimension }
    /// The file's `ts` column (seconds, one per vector), if it has one; sent as each vector's `ts`.
    public var timestamps: [Double]? = nil

    /// Reads `path`. Blank lines are skipped; `\r\n` line ends are accepted.
    ///
    /// - Throws: `PublishError.unreadable` (missing file, not UTF-8), `.badLine` with the 1-based
    ///   line for a header-less file, a row with the wrong number of fields, a field that is not
    ///   a number or is not finite (or outside `Float` range); `.noData` for no rows.
    public static func load(path: String) throws(PublishError) -> CSVVectors {
        try converting(file: path) { try CSVReader.readMatrix(path: path, skippingBlankLines: true) }
    }

    /// Parses CSV `text` (see `load(path:)`); `file` names it in errors.
    ///
    /// - Throws: `PublishError.badLine`, `.noData`.
    public static func parse(_ text: String, file: String) throws(PublishError) -> CSVVectors {
        try converting(file: file) { try CSVReader.parseMatrix(Substring(text), file: file, skippingBlankLines: true) }
    }

    private static func converting(file: String, _ read: () throws -> CSVMatrix) throws(PublishError) -> CSVVectors {
        do {
            let matrix = try read()
            return CSVVectors(header: matrix.header, values: matrix.values, dimension: matrix.columns, timestamps: matrix.timestamps)
        } catch let error as CSVError {
            switch error.kind {
            case .unreadable: throw .unreadable(file: error.file, reason: error.message)
            case .noData: throw .noData(file: error.file)
            case .content: throw .badLine(file: error.file, line: error.line, message: error.message)
            }
        } catch {
            throw .unreadable(file: file, reason: "\(error)")
        }
    }
}
