import Foundation
import Testing
@testable import AECTLKit
import Wire

@Suite struct CSVReaderTests {
    @Test func readsHeaderAndValues() throws {
        let m = try CSVReader.parseMatrix("f0,f1\n1,2.5\r\n-3,8e-05\n", file: "a.csv")
        #expect(m.header == ["f0", "f1"] && m.rows == 2 && m.values == [1, 2.5, -3, 8e-05])
    }

    @Test func raggedRowNamesFileAndLine() {
        #expect(throws: CSVError(file: "a.csv", line: 3, message: "1 fields, the header has 2 (ragged row)")) {
            try CSVReader.parseMatrix("f0,f1\n1,2\n3\n", file: "a.csv")
        }
        #expect(throws: CSVError(file: "a.csv", line: 2, message: "3 fields, the header has 2 (ragged row)")) {
            try CSVReader.parseMatrix("f0,f1\n1,2,3\n", file: "a.csv")
        }
    }

    @Test func textInANumberCellNamesLineAndColumn() {
        #expect(throws: CSVError(file: "b.csv", line: 4, message: "column 2 (f1): 'abc' is not a number")) {
            try CSVReader.parseMatrix("f0,f1\n1,2\n3,4\n5,abc\n", file: "b.csv")
        }
        #expect(throws: CSVError(file: "b.csv", line: 2, message: "column 1 (f0): 'nan' is not finite or outside Float range")) {
            try CSVReader.parseMatrix("f0,f1\nnan,2\n", file: "b.csv")
        }
        #expect(throws: CSVError(file: "b.csv", line: 2, message: "column 2 (f1): an empty cell is not a number")) {
            try CSVReader.parseMatrix("f0,f1\n1,\n", file: "b.csv")
        }
    }

    @Test func missingHeaderAndEmptyFilesAreErrors() {
        #expect(throws: CSVError(file: "c.csv", line: 1, message: "expected a header row of column names, found numbers")) {
            try CSVReader.parseMatrix("1,2\n3,4\n", file: "c.csv")
        }
        #expect(throws: CSVError(file: "c.csv", line: 1, message: "empty file, expected a header row")) {
            try CSVReader.parseMatrix("", file: "c.csv")
        }
        #expect(throws: CSVError(file: "c.csv", line: 2, message: "no data rows after the header", kind: .noData)) {
            try CSVReader.parseMatrix("f0\n", file: "c.csv")
        }
    }

    @Test func labelsAreZeroOrOne() throws {
        #expect(try CSVReader.parseLabels("0\n1\n0\n", file: "l.csv") == [0, 1, 0])
        #expect(throws: CSVError(file: "l.csv", line: 2, message: "label '2' is not 0 or 1")) {
            try CSVReader.parseLabels("0\n2\n", file: "l.csv")
        }
    }

    @Test func unreadableFileIsAnError() {
        #expect(throws: CSVError.self) { try CSVReader.readMatrix(path: "/nonexistent/train.csv") }
    }

    /// A `ts` column is read at double precision (epoch seconds do not fit a Float32) and is not
    /// a feature; a bad ts names its line.
    @Test func tsColumnIsTimeNotAFeature() throws {
        let matrix = try CSVReader.parseMatrix("f0,ts,f1\n1,1700000000.25,2\n3,1700000060.5,4\n", file: "t.csv")
        #expect(matrix.header == ["f0", "f1"])
        #expect(matrix.values == [1, 2, 3, 4])
        #expect(matrix.timestamps == [1_700_000_000.25, 1_700_000_060.5])
        #expect(throws: CSVError(file: "t.csv", line: 3, message: "column 2 (ts): 'x' is not a time in seconds")) {
            try CSVReader.parseMatrix("f0,ts,f1\n1,5,2\n3,x,4\n", file: "t.csv")
        }
        // Milliseconds, or a negative time: outside what the daemon accepts, refused with the line.
        for bad in ["1700000000250", "-1"] {
            #expect(throws: CSVError(
                file: "t.csv", line: 3,
                message: "column 2 (ts): \(bad) is outside 0...8589934592 seconds since the Unix epoch (milliseconds?)")) {
                try CSVReader.parseMatrix("f0,ts,f1\n1,5,2\n3,\(bad),4\n", file: "t.csv")
            }
        }
    }
}
