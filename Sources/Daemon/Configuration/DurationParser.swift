import Foundation

/// Parses the durations used in configuration: a number followed by a unit.
///
/// Accepted units: `ms`, `s`, `m`, `h`, `d` (milliseconds, seconds, minutes, hours, days),
/// e.g. `"90s"`, `"15m"`, `"1h"`, `"1.5h"`. `"0"` (no unit) means zero, i.e. disabled.
public enum DurationParser {
    /// The duration in seconds, or `nil` if `text` is not a duration.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" { return 0 }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "ms" also ends in "s": only accept a pure number before the unit.
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
                let value = Double(number), value.isFinite, value >= 0
            else { continue }
            return value * scale
        }
        return nil
    }

    /// Formats seconds the way configuration writes them (`"90s"`, `"15m"`, `"1h"`).
    public static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 {
            return "\(Int(seconds / 3600))h"
        }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 {
            return "\(Int(seconds / 60))m"
        }
        if seconds.rounded() == seconds { return "\(Int(seconds))s" }
        return "\(Int((seconds * 1000).rounded()))ms"
    }
}
