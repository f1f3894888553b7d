import Foundation
import Testing
import Wire

@testable import Daemon

/// Storage health reaches the metrics: the WAL size, the last checkpoint, whether writes fail
/// and the last refused write by cause, and the alerts waiting for the database.
@Suite struct StorageMetricsTests {
    static func document(_ storage: StorageStatus) -> StatusReply {
        StatusReply(
            daemon: DaemonStatus(
                version: "0.1.0", uptimeSeconds: 1, pid: 1, endpoints: EndpointsStatus(control: "ipc://x"), storage: storage),
            ingest: IngestStatus(), streams: [], unattributedRejections: [:], alertsWritten: 0, alertsDropped: 0, training: nil)
    }

    @Test func storageHealthIsExported() {
        let metrics = DaemonMetrics(version: "0.1.0", blasKernel: "test")
        let failing = StorageStatus(
            walBytes: 4_096, lastCheckpoint: 90,
            lastWriteError: StorageErrorStatus(message: "database or disk is full (SQLite error 13)", time: 95, cause: "disk full"),
            writesFailing: true, pendingAlerts: 12, droppedAlerts: 0)
        let text = String(decoding: metrics.render(Self.document(failing), now: 100), as: UTF8.self)
        #expect(text.contains("\naed_wal_bytes 4096"), "\(text)")
        #expect(text.contains("\naed_last_checkpoint_time_seconds 90"), "\(text)")
        #expect(text.contains("\naed_storage_writes_failing 1"), "\(text)")
        #expect(text.contains("\naed_last_write_error_time_seconds{cause=\"disk full\"} 95"), "\(text)")
        #expect(text.contains("\naed_pending_alerts 12"), "\(text)")
        var recovered = failing
        recovered.writesFailing = false
        recovered.pendingAlerts = 0
        let after = String(decoding: metrics.render(Self.document(recovered), now: 110), as: UTF8.self)
        #expect(after.contains("\naed_storage_writes_failing 0"), "\(after)")
        #expect(after.contains("\naed_pending_alerts 0"), "\(after)")
    }
}
