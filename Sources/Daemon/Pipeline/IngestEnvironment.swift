import Foundation
import Logging

/// What the ingest thread needs from the daemon around it: the stop flag, the reload mailbox,
/// systemd, the logger and the start time (no reference back to the daemon).
struct IngestEnvironment: Sendable {
    /// Set to stop the loop (any thread).
    let stopFlag: Locked<Bool>
    /// Configurations to apply (SIGHUP), newest last.
    let reloadRequests: Locked<[ReloadRequest]>
    /// The reloads applied and refused, for status.
    let reloads: ReloadHistory
    /// The configuration the rest of the daemon reads; updated by a reload.
    let sharedConfiguration: Locked<DaemonConfiguration>
    let notifier: SystemdNotifier
    /// The watchdog thread the loop beats for (nil without a systemd watchdog).
    let watchdog: WatchdogPinger?
    let logger: Logger
    /// When aed started, seconds since the Unix epoch.
    let startTime: Double
    /// Status documents for the metrics endpoint, built here when one is wanted.
    let snapshots: StatusSnapshots
}

/// A configuration read for a reload, and when it was read (seconds since the Unix epoch).
struct ReloadRequest: Sendable {
    var configuration: DaemonConfiguration
    var readAt: Double
}
