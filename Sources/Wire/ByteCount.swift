import Foundation

/// Byte counts for people, as `aectl status` and aed's live page show them.
public enum ByteCount {
    /// `512 B`, `1.2 KiB`, `256.0 MiB`: binary units (1 KiB = 1024 bytes), one decimal, up to TiB.
    public static func text(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f ", value) + units[unit]
    }
}
