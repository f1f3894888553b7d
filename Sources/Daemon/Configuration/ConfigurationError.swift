import Foundation

/// A configuration that cannot be used, naming the key at fault.
///
/// Keys are dotted paths from the document root, e.g. `defaults.epochs` or
/// `streams.web-1.learning_rate`, so the operator can find the line to fix.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid TOML.
    case syntax(path: String, line: Int, column: Int, message: String)
    /// A key this version of aed does not know (usually a typo).
    case unknownKey(String)
    /// A key whose value has the wrong TOML type.
    case wrongType(key: String, expected: String, found: String)
    /// A key whose value has the right type but is out of range or malformed.
    case invalidValue(key: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read configuration \(path): \(reason)"
        case .syntax(let path, let line, let column, let message):
            return "\(path):\(line):\(column): TOML syntax error: \(message)"
        case .unknownKey(let key):
            return "unknown configuration key '\(key)'"
        case .wrongType(let key, let expected, let found):
            return "configuration key '\(key)' must be \(expected), found \(found)"
        case .invalidValue(let key, let value, let reason):
            return "configuration key '\(key)' has invalid value \(value): \(reason)"
        }
    }
}
