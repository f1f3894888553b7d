import Foundation

/// Text and number formatting for HTML and SVG output.
public enum Markup {
    /// The text escaped for HTML/XML content and attribute values: `&<>"'` become entities and
    /// control characters XML forbids are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 allows no other C0 control characters, nor U+FFFE/U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A pixel coordinate with one decimal (`12.3`, `-4`, `0`), locale-free; non-finite is `0`.
    static func px(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((min(max(value, -1e9), 1e9) * 10).rounded())
        let whole = tenths / 10
        let fraction = abs(tenths % 10)
        if fraction == 0 { return String(whole) }
        return (tenths < 0 && whole == 0 ? "-0" : String(whole)) + "." + String(fraction)
    }

    /// A number for people: up to `significant` significant digits, no trailing zeros,
    /// exponent notation below 0.001 and from 100,000 on (`1e6`, `2.5e-4`); `NaN`, `∞`, `−∞`.
    public static func number(_ value: Double, significant: Int = 3) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            var exponent = Int(log10(magnitude).rounded(.down))
            var mantissa = value / pow(10, Double(exponent))
            if abs(roundTo(mantissa, decimals: significant - 1)) >= 10 {
                exponent += 1
                mantissa /= 10
            }
            return trimmed(mantissa, decimals: significant - 1) + "e" + String(exponent)
        }
        let digitsBeforePoint = Int(log10(magnitude).rounded(.down)) + 1
        return trimmed(value, decimals: max(0, significant - digitsBeforePoint))
    }

    /// A move in standard deviations: `+312σ`, `−4.5σ` (two significant digits below 10, three above).
    public static func sigmas(_ value: Double) -> String {
        (value >= 0 ? "+" : "−") + number(abs(value), significant: value.magnitude < 10 ? 2 : 3) + "σ"
    }

    /// A count with thousands separators: `40,000`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    private static func roundTo(_ value: Double, decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }

    private static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
