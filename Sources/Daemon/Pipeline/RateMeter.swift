import Foundation

/// Events per second, exponentially smoothed.
struct RateMeter {
    private var windowStart: Double = 0
    private var windowCount = 0
    /// The smoothed rate, events per second.
    private(set) var rate = 0.0

    mutating func add(_ count: Int, now: Double) {
        if windowStart == 0 { windowStart = now }
        windowCount += count
        roll(now: now)
    }

    /// Closes the current one-second window when it has passed.
    mutating func roll(now: Double) {
        let elapsed = now - windowStart
        guard elapsed >= 1 else { return }
        let instant = Double(windowCount) / elapsed
        rate = rate == 0 ? instant : 0.7 * rate + 0.3 * instant
        if elapsed > 10 { rate = instant }
        windowStart = now
        windowCount = 0
    }
}
