import Foundation
import TOMLKit

/// Reads the keys of one TOML table with typed accessors, naming the dotted key in every error,
/// and reports any key that was never read as unknown.
struct TOMLSection {
    let table: TOMLTable
    let path: String
    private var seen: Set<String> = []

    init(_ table: TOMLTable, path: String) {
        self.table = table
        self.path = path
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    private static func typeName(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .table: return "a table"
        case .array: return "an array"
        case .string: return "a string"
        case .int: return "an integer"
        case .double: return "a floating-point number"
        case .bool: return "a boolean"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }

    private mutating func raw(_ name: String) -> TOMLValueConvertible? {
        seen.insert(name)
        return table[name]
    }

    mutating func string(_ name: String) throws -> String? {
        guard let value = raw(name) else { return nil }
        guard let text = value.string else {
            throw ConfigurationError.wrongType(key: key(name), expected: "a string", found: Self.typeName(value))
        }
        return text
    }

    mutating func bool(_ name: String) throws -> Bool? {
        guard let value = raw(name) else { return nil }
        guard let flag = value.bool else {
            throw ConfigurationError.wrongType(key: key(name), expected: "a boolean", found: Self.typeName(value))
        }
        return flag
    }

    /// An integer in `range`.
    mutating func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = raw(name) else { return nil }
        guard let number = value.int else {
            throw ConfigurationError.wrongType(key: key(name), expected: "an integer", found: Self.typeName(value))
        }
        guard range.contains(number) else {
            throw ConfigurationError.invalidValue(
                key: key(name), value: "\(number)", reason: "expected \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// A number (integer or float) strictly inside `lower < x < upper` when `open`, else in the closed range.
    mutating func double(_ name: String, lower: Double, upper: Double, open: Bool) throws -> Double? {
        guard let value = raw(name) else { return nil }
        let number: Double
        if let d = value.double {
            number = d
        } else if let i = value.int {
            number = Double(i)
        } else {
            throw ConfigurationError.wrongType(key: key(name), expected: "a number", found: Self.typeName(value))
        }
        let inside = open ? (number > lower && number < upper) : (number >= lower && number <= upper)
        guard number.isFinite, inside else {
            let interval = open ? "(\(lower), \(upper))" : "[\(lower), \(upper)]"
            throw ConfigurationError.invalidValue(key: key(name), value: "\(number)", reason: "expected a value in \(interval)")
        }
        return number
    }

    /// One of `Choice`'s raw values, e.g. `"relu"` for an `ActivationKind`.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, _: Choice.Type = Choice.self) throws
        -> Choice? where Choice.RawValue == String
    {
        guard let text = try string(name) else { return nil }
        guard let value = Choice(rawValue: text) else {
            let expected = Choice.allCases.map { "\"\($0.rawValue)\"" }
            let list = expected.count == 2
                ? expected.joined(separator: " or ")
                : "one of " + expected.joined(separator: ", ")
            throw ConfigurationError.invalidValue(key: key(name), value: "\"\(text)\"", reason: "expected \(list)")
        }
        return value
    }

    /// A duration string (`"90s"`, `"15m"`, `"1h"`) in seconds.
    mutating func duration(_ name: String) throws -> Double? {
        guard let value = raw(name) else { return nil }
        guard let text = value.string else {
            throw ConfigurationError.wrongType(
                key: key(name), expected: "a duration string like \"90s\", \"15m\" or \"1h\"", found: Self.typeName(value))
        }
        guard let seconds = DurationParser.seconds(text) else {
            throw ConfigurationError.invalidValue(
                key: key(name), value: "\"\(text)\"", reason: "expected a number with a unit ms, s, m, h or d, e.g. \"90s\"")
        }
        return seconds
    }

    mutating func strings(_ name: String) throws -> [String]? {
        guard let value = raw(name) else { return nil }
        guard let array = value.array else {
            throw ConfigurationError.wrongType(key: key(name), expected: "an array of strings", found: Self.typeName(value))
        }
        var result: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.string else {
                throw ConfigurationError.wrongType(
                    key: "\(key(name))[\(index)]", expected: "a string", found: Self.typeName(element))
            }
            result.append(text)
        }
        return result
    }

    mutating func ints(_ name: String, in range: ClosedRange<Int>) throws -> [Int]? {
        guard let value = raw(name) else { return nil }
        guard let array = value.array else {
            throw ConfigurationError.wrongType(key: key(name), expected: "an array of integers", found: Self.typeName(value))
        }
        var result: [Int] = []
        for (index, element) in array.enumerated() {
            guard let number = element.int else {
                throw ConfigurationError.wrongType(
                    key: "\(key(name))[\(index)]", expected: "an integer", found: Self.typeName(element))
            }
            guard range.contains(number) else {
                throw ConfigurationError.invalidValue(
                    key: "\(key(name))[\(index)]", value: "\(number)",
                    reason: "expected \(range.lowerBound)...\(range.upperBound)")
            }
            result.append(number)
        }
        return result
    }

    mutating func table(_ name: String) throws -> TOMLSection? {
        guard let value = raw(name) else { return nil }
        guard let sub = value.table else {
            throw ConfigurationError.wrongType(key: key(name), expected: "a table", found: Self.typeName(value))
        }
        return TOMLSection(sub, path: key(name))
    }

    /// Throws for the first key of this table that was never read.
    func rejectUnknownKeys() throws {
        for name in table.keys.sorted() where !seen.contains(name) {
            throw ConfigurationError.unknownKey(key(name))
        }
    }
}
