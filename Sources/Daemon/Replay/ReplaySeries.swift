import Foundation
import Wire

/// The rows of a replay, read and checked before anything runs: the `--train` rows, then the
/// `--file` rows, each with its vector time, and the `--file` rows' labels.
///
/// Vector time is a `ts` column when a file has one (seconds; never decreasing, also across
/// the two files), else `--ts-start` + i x `--ts-step` with i counting every row before (train
/// rows included), continuing after the last time of the train rows.
struct ReplaySeries: Sendable {
    /// Features per vector (the columns other than `ts`).
    var dimension: Int
    /// Feature names, from the header.
    var featureNames: [String]
    /// `[rows, dimension]` row-major: train rows first, then test rows.
    var values: [Float]
    /// Vector time of each row, seconds.
    var times: [Double]
    /// How many of the rows are train rows.
    var trainRows: Int
    /// Labels of the test rows (0 normal, 1 anomaly), if given.
    var labels: [Int]?

    var rows: Int { times.count }
    var testRows: Int { rows - trainRows }

    /// Reads and checks the files.
    /// - Throws: `CSVError` naming file and line: unreadable files, a ragged row, a cell that is
    ///   not a finite number, a `ts` column that goes back in time, a test file whose columns
    ///   differ from the train file's, labels that are not 0/1 or not one per test row;
    ///   `ReplayError.badOption` for a non-finite or non-positive `--ts-step`.
    static func read(file: String, train: String?, labels: String?, tsStart: Double?, tsStep: Double) throws -> ReplaySeries {
        guard tsStep.isFinite, tsStep > 0 else { throw ReplayError.badOption("--ts-step must be a positive number of seconds, got \(tsStep)") }
        if let tsStart, !tsStart.isFinite { throw ReplayError.badOption("--ts-start must be a finite number of seconds") }
        var series = ReplaySeries(dimension: 0, featureNames: [], values: [], times: [], trainRows: 0, labels: nil)
        var nextTime = tsStart ?? 0
        var header: [String]?
        for (path, isTrain) in [(train, true), (Optional(file), false)] {
            guard let path else { continue }
            // As `aectl publish` reads it: blank lines are passed over.
            let matrix = try CSVReader.readMatrix(path: path, skippingBlankLines: true)
            if let header, header != matrix.header {
                throw CSVError(
                    file: path, line: 1,
                    message: "\(matrix.header.count) feature columns differ from the \(header.count) of \(train ?? "the train file")")
            }
            header = matrix.header
            var previous = series.times.last ?? -Double.infinity
            for row in 0..<matrix.rows {
                let time = matrix.timestamps?[row] ?? nextTime
                // The wire's limit: 0 to 2^33 s (the year 2242), so no time overflows a chart or timer.
                guard time >= 0, time <= 8_589_934_592 else {
                    throw CSVError(file: path, line: row + 2, message: "time \(time) s is outside 0 to 2^33 s (check ts, --ts-start and --ts-step)")
                }
                guard time >= previous else {
                    throw CSVError(file: path, line: row + 2, message: "ts \(time) goes back in time (previous \(previous))")
                }
                series.times.append(time)
                previous = time
                nextTime = time + tsStep
            }
            series.values += matrix.values
            if isTrain { series.trainRows = matrix.rows }
        }
        series.featureNames = header ?? []
        series.dimension = series.featureNames.count
        if let labels {
            let read = try CSVReader.readLabels(path: labels)
            guard read.count == series.testRows else {
                throw CSVError(
                    file: labels, line: min(read.count, series.testRows) + 1,
                    message: "\(read.count) labels for \(series.testRows) rows of \(file)")
            }
            series.labels = read
        }
        return series
    }

}

/// A replay that cannot run as asked.
public enum ReplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option's value is out of range.
    case badOption(String)
    /// The state folder already holds a database (a replay writes a fresh one).
    case stateExists(String)
    /// The configuration names a stream or detector the files cannot serve.
    case unusable(String)
    /// Stopped (Ctrl-C) after `row` of `of` rows (train and file); nothing was left behind.
    case interrupted(row: Int, of: Int)

    public var description: String {
        switch self {
        case .badOption(let message): message
        case .stateExists(let path): "\(path) already exists; a replay writes a fresh aed.db (remove it or pick another --state-dir)"
        case .unusable(let message): message
        case .interrupted(let row, let rows): "interrupted at row \(row) of \(rows); nothing was written"
        }
    }
}
