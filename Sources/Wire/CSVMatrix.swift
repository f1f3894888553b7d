import Foundation

/// A numeric CSV file in the dataset layout: a header row, then one sample a row, `[rows, columns]`.
public struct CSVMatrix: Sendable, Equatable {
    /// The column names of the header row, e.g. `["f0", "f1"]` (without a `ts` column).
    public var header: [String]
    /// The number of data rows.
    public var rows: Int
    /// The values, row-major, `rows * header.count`.
    public var values: [Float]
    /// A `ts` column's values at full precision, seconds, one per row (nil without one). It is
    /// not a feature: `header` and `values` leave it out.
    public var timestamps: [Double]? = nil

    /// The number of columns.
    public var columns: Int { header.count }
}

/// Readers for the dataset CSV layout (header + numeric rows; labels without header).
public enum CSVReader {
    /// The lines of `text` with their 1-based numbers; `\r\n` tolerated, a final empty line ignored.
    static func lines(_ text: Substring) -> [(number: Int, text: Substring)] {
        var out: [(Int, Substring)] = []
        var number = 0
        // "\r\n" is one Character in Swift: normalize line ends before splitting.
        let normalized = text.contains("\r") ? Substring(text.replacingOccurrences(of: "\r\n", with: "\n")) : text
        for raw in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            out.append((number, raw))
        }
        if let last = out.last, last.1.isEmpty { out.removeLast() }
        return out
    }

    static func contents(of path: String) throws -> Substring {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let reason = !exists ? "no such file" : (isFolder.boolValue ? "it is a folder, not a file" : "cannot read the file")
            throw CSVError(file: path, line: 0, message: reason, kind: .unreadable)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CSVError(file: path, line: 0, message: "not UTF-8 text", kind: .unreadable)
        }
        return Substring(text)
    }

    /// Reads a numeric CSV with a header row.
    /// - Throws: `CSVError` naming file and line for an unreadable or empty file, an empty or duplicate
    ///   header name, a blank line, a row whose field count differs from the header's (ragged), or a
    ///   cell that is not a finite number.
    public static func readMatrix(path: String, skippingBlankLines: Bool = false) throws -> CSVMatrix {
        try parseMatrix(contents(of: path), file: path, skippingBlankLines: skippingBlankLines)
    }

    /// Parses CSV text (see `readMatrix`); `file` names it in errors.
    ///
    /// With `skippingBlankLines` (the publisher's leniency), lines of only spaces and tabs are
    /// passed over instead of being an error; line numbers in errors stay those of the file.
    public static func parseMatrix(_ text: Substring, file: String, skippingBlankLines: Bool = false) throws -> CSVMatrix {
        var all = lines(text)
        if skippingBlankLines { all.removeAll { $0.text.allSatisfy { $0 == " " || $0 == "\t" } } }
        guard let first = all.first else { throw CSVError(file: file, line: 1, message: "empty file, expected a header row") }
        let header = first.text.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        if let blank = header.firstIndex(where: \.isEmpty) {
            throw CSVError(file: file, line: first.number, message: "header column \(blank + 1) has no name")
        }
        if Set(header).count != header.count {
            throw CSVError(file: file, line: first.number, message: "header has duplicate column names")
        }
        if header.allSatisfy({ Float($0) != nil }) {
            throw CSVError(file: file, line: first.number, message: "expected a header row of column names, found numbers")
        }
        let columns = header.count
        let tsColumn = header.firstIndex(of: "ts")
        var timestamps: [Double] = []
        var values: [Float] = []
        values.reserveCapacity((all.count - 1) * columns)
        for (number, line) in all.dropFirst() {
            var count = 0
            for field in line.split(separator: ",", omittingEmptySubsequences: false) {
                count += 1
                guard count <= columns else { break }
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                if count - 1 == tsColumn {
                    guard let time = Double(trimmed), time.isFinite else {
                        throw CSVError(file: file, line: number, message: "column \(count) (ts): '\(trimmed.prefix(40))' is not a time in seconds")
                    }
                    // The range the daemon accepts (`WireDecoder.maximumTimestamp`): a file in
                    // milliseconds is refused here, not vector by vector downstream.
                    guard time >= 0, time <= WireDecoder.defaultMaximumTimestamp else {
                        throw CSVError(
                            file: file, line: number,
                            message: "column \(count) (ts): \(trimmed.prefix(40)) is outside 0...\(Int(WireDecoder.defaultMaximumTimestamp)) seconds since the Unix epoch (milliseconds?)")
                    }
                    timestamps.append(time)
                    continue
                }
                guard let value = Float(trimmed) else {
                    let shown = trimmed.isEmpty ? "an empty cell" : "'\(trimmed.prefix(40))'"
                    throw CSVError(file: file, line: number, message: "column \(count) (\(header[count - 1])): \(shown) is not a number")
                }
                guard value.isFinite else {
                    throw CSVError(file: file, line: number, message: "column \(count) (\(header[count - 1])): '\(trimmed.prefix(40))' is not finite or outside Float range")
                }
                values.append(value)
            }
            if count != columns {
                let found = line.split(separator: ",", omittingEmptySubsequences: false).count
                throw CSVError(file: file, line: number, message: "\(found) fields, the header has \(columns) (ragged row)")
            }
        }
        let rows = all.count - 1
        guard rows > 0 else { throw CSVError(file: file, line: first.number + 1, message: "no data rows after the header", kind: .noData) }
        guard let tsColumn else { return CSVMatrix(header: header, rows: rows, values: values) }
        var features = header
        features.remove(at: tsColumn)
        guard !features.isEmpty else { throw CSVError(file: file, line: first.number, message: "no feature columns besides ts") }
        return CSVMatrix(header: features, rows: rows, values: values, timestamps: timestamps)
    }

    /// Reads a label file: no header, one `0` (normal) or `1` (anomaly) a line.
    /// - Throws: `CSVError` naming file and line for any other content.
    public static func readLabels(path: String) throws -> [Int] {
        try parseLabels(contents(of: path), file: path)
    }

    /// Parses label text (see `readLabels`).
    public static func parseLabels(_ text: Substring, file: String) throws -> [Int] {
        var labels: [Int] = []
        for (number, line) in lines(text) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            switch trimmed {
            case "0", "0.0": labels.append(0)
            case "1", "1.0": labels.append(1)
            default:
                let shown = trimmed.isEmpty ? "an empty line" : "'\(trimmed.prefix(40))'"
                throw CSVError(file: file, line: number, message: "label \(shown) is not 0 or 1")
            }
        }
        guard !labels.isEmpty else { throw CSVError(file: file, line: 1, message: "no labels") }
        return labels
    }
}
