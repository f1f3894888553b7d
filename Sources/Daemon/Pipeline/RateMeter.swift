import Foundation

/// Events per second, exponentially smoothed with time constant `tau` seconds.
///
/// Each event adds `1 / tau` to an estimate that decays as `exp(-dt / tau)`, so a steady rate
/// `r` reads `r` after a few `tau`, and an idle stream decays towards 0 instead of freezing.
struct RateMeter {
    /// The smoothing time constant, seconds.
    let tau: Double
    private var estimate = 0.0
    private var last = 0.0

    init(tau: Double = 10) { self.tau = tau }

    /// Counts `count` events at `now` (seconds since the Unix epoch).
    mutating func add(_ count: Int, now: Double) {
        decay(to: now)
        estimate += Double(count) / tau
    }

    /// The rate at `now`, events per second.
    func rate(at now: Double) -> Double {
        guard last > 0 else { return 0 }
        return estimate * exp(-max(0, now - last) / tau)
    }

    private mutating func decay(to now: Double) {
        if last > 0 { estimate *= exp(-max(0, now - last) / tau) }
        last = now
    }
}
