import Foundation
import FoundationXML

/// Parses `markup` as XML; nil when well-formed, else the parser's error with its line.
func xmlError(_ markup: String) -> String? {
    let parser = XMLParser(data: Data(markup.utf8))
    if parser.parse() { return nil }
    return "line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "unknown error")"
}

/// Occurrences of `needle` in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

/// Start tags (`<name`) in `markup`: its number of elements.
func elementCount(_ markup: String) -> Int {
    var count = 0
    var previous: UInt8 = 0
    for byte in markup.utf8 {
        if previous == UInt8(ascii: "<"), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { count += 1 }
        previous = byte
    }
    return count
}

/// A fresh temporary folder, removed when the value is deinitialized.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("aed-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
