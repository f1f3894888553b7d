import ServiceLifecycle

/// A `DaemonStage` as a `Service`: `run()` starts it, waits for the group's graceful shutdown
/// (or cancellation), then stops it on a thread of its own and returns.
struct StageService: Service, CustomStringConvertible {
    let stage: DaemonStage

    var description: String { stage.name }

    func run() async throws {
        stage.start()
        // Returns on graceful shutdown; throws on cancellation, which stops the stage as well.
        try? await gracefulShutdown()
        await onOwnThread("aed-stop-\(stage.name)", stage.stop)
    }
}
