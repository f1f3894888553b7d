import ServiceLifecycle

/// The ingest thread as a `Service`: `run()` starts the thread, returns an error if binding
/// fails, tells systemd `READY=1` once every socket is bound, and returns after the loop ended
/// (on graceful shutdown: pending vectors scored, alerts handed to the writer, buffers
/// snapshotted, sockets closed).
///
/// The receive-and-score loop stays on its own thread: this service only starts and stops it.
struct IngestService: Service, CustomStringConvertible {
    let daemon: AnomalyDaemon
    let ingest: IngestLoop

    var description: String { "ingest" }

    func run() async throws {
        let ended = OneShot<Bool>()
        let bound = daemon.launchIngest(ingest) { ended.set(true) }
        switch await bound.value {
        case .failure(let error):
            _ = await ended.value
            throw error
        case .success(let endpoints):
            daemon.announceReady(endpoints)
        }
        let daemon = self.daemon
        _ = await withTaskCancellationOrGracefulShutdownHandler {
            await ended.value
        } onCancelOrGracefulShutdown: {
            daemon.requestStop()
        }
        guard daemon.stopRequested else { throw DaemonError.ingestEnded }
    }
}
