import Wire

/// What became of the configuration reloads (SIGHUP) since start, for `aectl status`.
///
/// The reload service records a file it refused; the ingest thread records a configuration it
/// applied. A refusal is cleared only by a configuration read after it, so a good file applied
/// late never hides a bad one read since.
final class ReloadHistory: Sendable {
    private let state = Locked<ReloadStatus?>(nil)

    /// The status part: nil before the first reload.
    var status: ReloadStatus? { state.withLock { $0 } }

    /// Records a file that was refused at `time` (seconds since the Unix epoch) for `reason`.
    func recordFailure(reason: String, time: Double) {
        state.withLock { status in
            var current = status ?? ReloadStatus()
            current.lastFailure = ReloadFailureStatus(reason: reason, time: time)
            status = current
        }
    }

    /// Records a configuration read at `readAt` and applied at `appliedAt` (seconds since the
    /// Unix epoch), with the keys that kept their running values.
    func recordApplied(readAt: Double, appliedAt: Double, notReloaded: [String]) {
        state.withLock { status in
            var current = status ?? ReloadStatus()
            current.lastApplied = appliedAt
            current.notReloaded = notReloaded
            if let failure = current.lastFailure, failure.time <= readAt { current.lastFailure = nil }
            status = current
        }
    }
}
