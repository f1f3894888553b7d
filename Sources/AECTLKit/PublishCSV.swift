import Foundation

/// Vectors read from a CSV file: a header row, then one vector a line, comma-separated.
public struct CSVVectors: Sendable {
    /// The header's column names.
    public let header: [String]
    /// The vectors, `[count, dimension]` row-major.
    public let values: [Float]
    /// Features per vector (the header's column count).
    public let dimension: Int
    /// The number of vectors.
    public var count: Int { values.count / dimension }

    /// Reads `path`. Blank lines are skipped; `\r\n` line ends are accepted.
    ///
    /// - Throws: `PublishError.unreadable` (missing file, not UTF-8), `.badLine` with the 1-based
    ///   line for a header-less file, a row with the wrong number of fields, a field that is not
    ///   a number or is not finite (or outside `Float` range); `.noData` for no rows.
    public static func load(path: String) throws(PublishError) -> CSVVectors {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: path, reason: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses CSV `text` (see `load(path:)`); `file` names it in errors.
    ///
    /// - Throws: `PublishError.badLine`, `.noData`.
    public static func parse(_ text: String, file: String) throws(PublishError) -> CSVVectors {
        var header: [String]?
        var values: [Float] = []
        var lineNumber = 0
        // "\r\n" is one Character (and one newline) in Swift.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard let columns = header else {
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces) }
                if names.contains(where: { Float($0) != nil }) {
                    throw .badLine(file: file, line: lineNumber, message: "expected a header row of column names, found numbers")
                }
                header = names
                values.reserveCapacity(names.count * 1024)
                continue
            }
            guard fields.count == columns.count else {
                throw .badLine(file: file, line: lineNumber, message: "expected \(columns.count) values, found \(fields.count)")
            }
            for (index, field) in fields.enumerated() {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let value = Float(trimmed) else {
                    throw .badLine(file: file, line: lineNumber, message: "field \(index + 1) (\(columns[index])) is not a number: \"\(trimmed.prefix(40))\"")
                }
                guard value.isFinite else {
                    throw .badLine(file: file, line: lineNumber, message: "field \(index + 1) (\(columns[index])) is not finite or outside Float range: \"\(trimmed.prefix(40))\"")
                }
                values.append(value)
            }
        }
        guard let columns = header, !columns.isEmpty else {
            throw .badLine(file: file, line: max(lineNumber, 1), message: "empty file: expected a header row")
        }
        guard !values.isEmpty else { throw .noData(file: file) }
        return CSVVectors(header: columns, values: values, dimension: columns.count)
    }
}
