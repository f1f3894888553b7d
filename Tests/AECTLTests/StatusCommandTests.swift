import ArgumentParser
import Foundation
import Detectors
import Testing
import Wire

@testable import AECTLKit

@Suite(.timeLimit(.minutes(10))) struct StatusCommandTests {
    @Test(arguments: [["status"], ["retrain", "--wait"], ["alerts"]])
    func noDaemonFailsQuicklyWithAClearMessage(command: [String]) throws {
        let endpoint = "ipc://\(NSTemporaryDirectory())aectl-none-\(UUID().uuidString).sock"
        let arguments = command + ["--control", endpoint, "--timeout", "0.3"]
        var parsed = try AECTL.parseAsRoot(arguments)
        let started = Date()
        do {
            try parsed.run()
            Issue.record("expected a failure without a daemon")
        } catch let failure as CommandFailure {
            #expect(failure.description.contains("no reply from aed"))
            #expect(failure.description.contains(endpoint))
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func leadingControlOptionMovesToTheEnvironment() {
        let split = AECTL.splitLeadingControl(["--control", "tcp://h:1", "status", "--json"])
        #expect(split.arguments == ["status", "--json"])
        #expect(split.control == "tcp://h:1")
        let equals = AECTL.splitLeadingControl(["--control=ipc:///x", "alerts"])
        #expect(equals.arguments == ["alerts"])
        #expect(equals.control == "ipc:///x")
        let none = AECTL.splitLeadingControl(["status", "--control", "x"])
        #expect(none.arguments == ["status", "--control", "x"])
        #expect(none.control == nil)
    }

    @Test func tableShowsStreamsModelsAndRuns() throws {
        let reply = StatusReply(
            daemon: DaemonStatus(
                version: "0.1.0", uptimeSeconds: 3_700, pid: 42,
                endpoints: EndpointsStatus(ingest: ["tcp://127.0.0.1:7600"], control: "ipc://./state/control.sock"),
                blasKernel: "OpenBLAS 0.3.21 kernel SkylakeX, Intel(R) Xeon(R) Processor (kept SkylakeX)"),
            ingest: IngestStatus(received: 1_010, scored: 900, rejected: ["dim": 10]),
            streams: [
                StreamStatus(
                    name: "web-1", dimension: 38, state: .scoring, received: 1_010, scored: 900, rejected: ["dim": 10],
                    gaps: 2, alerts: 7, bufferSize: 990,
                    models: [
                        ModelStatus(
                            detector: "ae", version: 3, created: 1_000, trainLoss: 0.031, validationLoss: 0.029,
                            threshold: ThresholdStatus(value: 1.65, method: "quantile", targetFalsePositiveRate: 0.01))
                    ],
                    lastTrainingRun: TrainingRunStatus(outcome: "trained", finished: 1_000)),
                StreamStatus(name: "db-2", state: .warming, received: 5, bufferSize: 5),
            ])
        // The keys a daemon adds beyond the first release's (an older daemon sends none of them).
        var full = reply
        full.alertsWritten = 7
        full.streams[0].scoredRate = 120.4
        full.streams[0].latency = 0.00042
        full.streams[0].bufferCapacity = 50000
        full.streams[0].alertsByDetector = ["ae": 7]
        full.streams[0].runs = [
            TrainingRunSummary(
                detector: "ae", outcome: .trained, reason: nil, started: 990, finished: 1000, samples: 990, epochs: 12,
                trainLoss: nil, validationLoss: nil, threshold: nil, heldOutFalsePositiveRate: nil, modelVersion: nil,
                trigger: nil)
        ]
        full.streams[1].minimumSamples = 2000
        full.streams[1].bufferCapacity = 50000
        let table = StatusTable.render(full, now: 1_060)
        #expect(table.contains("aed 0.1.0  pid 42  up 61m"))
        #expect(table.contains("\nblas OpenBLAS 0.3.21 kernel SkylakeX, Intel(R) Xeon(R) Processor (kept SkylakeX)\n"))
        #expect(table.contains("alerts stored 7"))
        #expect(table.contains("web-1"))
        #expect(table.contains("scoring"))
        #expect(table.contains("990/50000"))
        #expect(table.contains("0.42 ms"))
        #expect(table.contains("warming (0%)"))
        #expect(table.contains("v3"))
        #expect(table.contains("1.6500"))
        #expect(table.contains("ok 60s ago"))
        #expect(table.contains("dim 10"))
        // Without those keys (an older daemon) it still renders.
        #expect(StatusTable.render(reply).contains("web-1"))
    }

    @Test func aVAEsLatentSpaceIsShownAndACollapseIsAWarning() throws {
        func reply(_ health: LatentHealth?) -> StatusReply {
            StatusReply(
                daemon: DaemonStatus(version: "0.1.0", uptimeSeconds: 1, pid: 1, endpoints: EndpointsStatus(control: "ipc://x")),
                ingest: IngestStatus(),
                streams: [
                    StreamStatus(
                        name: "two-clusters", state: .scoring, received: 1, bufferSize: 1,
                        models: [ModelStatus(detector: "vae", version: 2, created: 0, latentHealth: health)])
                ])
        }
        let partly = StatusTable.render(
            reply(LatentHealth(klPerDimension: [0, 1.93, 0.001, 0], activity: [0, 0.7, 0.002, 0])))
        #expect(partly.contains("VAE latent space"))
        #expect(partly.contains(
            "  two-clusters vae v2: 1 of 4 latent units active (KL 0.00 1.93 0.00 0.00 nats): posterior partly collapsed\n"))
        let collapsed = StatusTable.render(reply(LatentHealth(klPerDimension: [0, 0], activity: [0, 0])))
        #expect(collapsed.contains("two-clusters vae v2: WARNING: 0 of 2 latent units active"))
        #expect(!StatusTable.render(reply(nil)).contains("latent"))
        // --json carries it, and a reply without it (an older daemon) decodes.
        let encoded = try JSONEncoder().encode(reply(LatentHealth(klPerDimension: [0.5], activity: [0.3])))
        let decoded = try JSONDecoder().decode(StatusReply.self, from: encoded)
        #expect(decoded.streams.first?.models.first?.latentHealth?.activeUnits == 1)
        let older = try JSONDecoder().decode(
            ModelStatus.self, from: Data(#"{"detector": "vae", "version": 1, "created": 0}"#.utf8))
        #expect(older.latentHealth == nil)
    }

    @Test func storageHealthIsOneLine() throws {
        var daemon = DaemonStatus(
            version: "0.1.0", uptimeSeconds: 100, pid: 42, endpoints: EndpointsStatus(control: "ipc://./state/control.sock"),
            storage: StorageStatus(walBytes: 1_572_864, lastCheckpoint: 1_000))
        let healthy = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: []), now: 1_060)
        #expect(healthy.contains("\nstorage: WAL 1.5 MiB, last checkpoint 60s ago, no write errors\n"))

        daemon.storage = StorageStatus(
            walBytes: 0, lastWriteError: StorageErrorStatus(message: "database or disk is full (SQLite error 13)", time: 1_050))
        let failing = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: []), now: 1_060)
        #expect(
            failing.contains(
                "\nstorage: WAL 0 B, last checkpoint none yet, last write error 10s ago: database or disk is full (SQLite error 13)\n"))
        #expect(failing.components(separatedBy: "storage:").count == 2)

        // While writes fail the line leads with the cause and the alerts waiting.
        daemon.storage = StorageStatus(
            walBytes: 0,
            lastWriteError: StorageErrorStatus(message: "database or disk is full (SQLite error 13)", time: 1_056, cause: "disk full"),
            writesFailing: true, pendingAlerts: 120, droppedAlerts: 3)
        let full = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: []), now: 1_060)
        #expect(
            full.contains(
                "\nstorage: WRITES FAILING: disk full (database or disk is full (SQLite error 13)) 4s ago; 120 alerts waiting, 3 dropped, WAL 0 B, last checkpoint none yet\n"
            ), "\(full)")
        // After it recovered: the cause stays on record, the drops are counted.
        daemon.storage?.writesFailing = false
        daemon.storage?.pendingAlerts = 0
        let recovered = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: []), now: 1_060)
        #expect(
            recovered.contains(
                "last write error 4s ago: disk full (database or disk is full (SQLite error 13)), 0 alerts waiting, 3 dropped\n"
            ), "\(recovered)")
    }

    @Test func theIngestLineShowsTheBacklogAgainstItsLimit() throws {
        let daemon = DaemonStatus(
            version: "0.1.0", uptimeSeconds: 100, pid: 42, endpoints: EndpointsStatus(ingest: ["tcp://127.0.0.1:7600"], control: "ipc://x"))
        let ingest = IngestStatus(received: 10, scored: 8, queuedMessages: 3, queuedBytes: 1_229, maxQueueBytes: 268_435_456)
        let text = StatusTable.render(StatusReply(daemon: daemon, ingest: ingest, streams: []))
        #expect(text.contains("received 10  scored 8  rejected 0  backlog 3 messages (1.2 KiB of 256.0 MiB)"))
        // An older daemon's reply has no backlog: the line leaves it out.
        let older = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(received: 10), streams: []))
        #expect(!older.contains("backlog"))
        let decoded = try JSONDecoder().decode(IngestStatus.self, from: Data(#"{"received": 1, "scored": 0, "rejected": {}}"#.utf8))
        #expect(decoded.queuedMessages == nil && decoded.maxQueueBytes == nil)
    }

    @Test func aReplyWithoutStorageFromAnOlderDaemonDecodesAndRenders() throws {
        let json = """
            {"ok": true, "daemon": {"version": "0.1.0", "uptimeSeconds": 5, "pid": 7, "endpoints": {"ingest": [], "connect": [],
             "control": "ipc://x"}}, "ingest": {"received": 0, "scored": 0, "rejected": {}}, "streams": []}
            """
        let reply = try JSONDecoder().decode(StatusReply.self, from: Data(json.utf8))
        #expect(reply.daemon.storage == nil)
        #expect(!StatusTable.render(reply).contains("storage:"))
        // And a newer one round-trips its storage part.
        var newer = reply
        newer.daemon.storage = StorageStatus(
            walBytes: 4096, lastCheckpoint: 10, lastWriteError: StorageErrorStatus(message: "disk I/O error (SQLite error 10)", time: 12))
        let decoded = try JSONDecoder().decode(StatusReply.self, from: JSONEncoder().encode(newer))
        #expect(decoded == newer)
    }

    @Test func reloadIsOneLineAndAbsentFromOlderReplies() throws {
        var daemon = DaemonStatus(
            version: "0.1.0", uptimeSeconds: 100, pid: 42, endpoints: EndpointsStatus(control: "ipc://./state/control.sock"))
        let none = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: []), now: 1_060)
        #expect(!none.contains("reload:"))

        daemon.reload = ReloadStatus(lastApplied: 1_000, notReloaded: ["daemon.alert_publish"])
        let applied = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: []), now: 1_060)
        #expect(applied.contains("\nreload: applied 60s ago (restart needed for daemon.alert_publish)\n"))

        daemon.reload?.lastFailure = ReloadFailureStatus(reason: "configuration key 'defaults.epochs' must be integer, found string", time: 1_050)
        let failed = StatusTable.render(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: []), now: 1_060)
        #expect(
            failed.contains(
                "\nreload: failed 10s ago, running configuration kept: configuration key 'defaults.epochs' must be integer, found string; last applied 60s ago (restart needed for daemon.alert_publish)\n"))
        #expect(failed.components(separatedBy: "reload:").count == 2)
        let decoded = try JSONDecoder().decode(
            StatusReply.self, from: JSONEncoder().encode(StatusReply(daemon: daemon, ingest: IngestStatus(), streams: [])))
        #expect(decoded.daemon.reload == daemon.reload)
    }

    @Test func aCoalescedRetrainSaysSo() {
        let started = RetrainReply(runs: [
            RetrainResult(stream: "a", outcome: "started"),
            RetrainResult(stream: "b", outcome: "coalesced", reason: "coalesced with the running retrain", coalesced: true),
        ])
        #expect(RetrainCommand.render(started) == "a: started\nb: coalesced (coalesced with the running retrain)\n")
        let waited = RetrainReply(runs: [
            RetrainResult(stream: "b", detector: "ae", outcome: "trained", modelVersion: 3, coalesced: true)
        ])
        #expect(RetrainCommand.render(waited) == "b ae: trained v3 (coalesced with an earlier request's run)\n")
    }
}
