/// Publish-to-scored delays of one stream over a recent window of wall time, so one burst
/// shows in the percentiles while it lasts and for at most `windowSeconds` after, not for the
/// rest of the run.
///
/// Keeps `slotCount` `LatencyHistogram`s, each covering `slotSeconds` of the caller's clock
/// (slots begin at multiples of `slotSeconds`); the newest takes every delay, and when `now`
/// enters a new slot the oldest is dropped. `window(at:)` merges the slots still inside the
/// window, so the percentiles cover between `windowSeconds - slotSeconds` and `windowSeconds`
/// of the most recent time: with the defaults (2 slots of 300 s), the last 5 to 10 minutes.
/// Time comes from the caller (`now`, seconds), never from the clock here.
struct RecentLatencyHistogram {
    /// Default seconds a slot covers.
    static let defaultSlotSeconds = 300.0
    /// Default number of slots.
    static let defaultSlotCount = 2

    /// Seconds of the caller's clock that one slot covers.
    let slotSeconds: Double
    /// Slots, newest first.
    private var slots: [LatencyHistogram]
    /// Index (`floor(now / slotSeconds)`) of the newest slot; nil before the first sample.
    private var newestSlot: Double?

    /// A window of `slotCount` slots of `slotSeconds` each.
    /// - Precondition: `slotSeconds > 0` and finite, `slotCount >= 1`.
    init(slotSeconds: Double = defaultSlotSeconds, slotCount: Int = defaultSlotCount) {
        precondition(slotSeconds > 0 && slotSeconds.isFinite, "slotSeconds must be positive, got \(slotSeconds)")
        precondition(slotCount >= 1, "slotCount must be >= 1, got \(slotCount)")
        self.slotSeconds = slotSeconds
        self.slots = Array(repeating: LatencyHistogram(), count: slotCount)
    }

    /// The longest span the percentiles cover, seconds.
    var windowSeconds: Double { slotSeconds * Double(slots.count) }

    /// Records one delay of `seconds`, observed at `now` (seconds on the caller's clock).
    /// A `now` earlier than the newest slot (the clock stepped back) or not finite records into
    /// the newest slot.
    mutating func record(_ seconds: Double, at now: Double) {
        advance(to: now)
        slots[0].record(seconds)
    }

    /// The delays recorded in the window that ends at `now`, merged into one histogram (empty
    /// when nothing was recorded in it).
    func window(at now: Double) -> LatencyHistogram {
        var merged = LatencyHistogram()
        guard let newestSlot else { return merged }
        let age = now.isFinite ? max(0, Self.slotIndex(now, slotSeconds) - newestSlot) : 0
        // Slot i began i slots before the newest one; it is still in the window while its age
        // in slots at `now` is below the slot count.
        for (index, slot) in slots.enumerated() where Double(index) + age < Double(slots.count) {
            merged.merge(slot)
        }
        return merged
    }

    /// Moves the newest slot forward to the one holding `now`, dropping slots that left the window.
    private mutating func advance(to now: Double) {
        guard now.isFinite else { return }
        let current = Self.slotIndex(now, slotSeconds)
        guard let newest = newestSlot else {
            newestSlot = current
            return
        }
        guard current > newest else { return }
        let steps = Int(min(current - newest, Double(slots.count)))
        slots.removeLast(steps)
        slots.insert(contentsOf: Array(repeating: LatencyHistogram(), count: steps), at: 0)
        newestSlot = current
    }

    private static func slotIndex(_ now: Double, _ slotSeconds: Double) -> Double {
        (now / slotSeconds).rounded(.down)
    }
}
