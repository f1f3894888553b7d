import Detectors
import Foundation
import Testing
import Wire

@testable import Daemon

/// The `status` reply's JSON is a contract (`aectl status --json`, scripts, older and newer
/// `aectl`s): a fully populated reply, as the daemon encodes it, byte for byte.
@Suite struct StatusReplyGoldenTests {
    /// A stream with every key the daemon writes, and a warming one with the optional keys absent.
    static func document() -> StatusReply {
        var scoring = StreamStatus(
            name: "db-1", dimension: 3, state: .training, received: 1_200, scored: 1_000,
            rejected: ["dim": 2, "nonfinite": 1], gaps: 4, alerts: 7, bufferSize: 900,
            models: [
                ModelStatus(
                    detector: "ae", version: 3, created: 1_700_000_000.5, trainLoss: 0.25, validationLoss: 0.375,
                    threshold: ThresholdStatus(value: 1.5, method: "quantile", targetFalsePositiveRate: 0.01)),
                ModelStatus(
                    detector: "vae", version: 2, created: 1_700_000_100, trainLoss: 12.5, validationLoss: 13.25,
                    threshold: ThresholdStatus(value: 20.5, method: "pot", targetFalsePositiveRate: 0.001),
                    latentHealth: LatentHealth(klPerDimension: [0.5, 0.0625], activity: [0.25, 0.001])),
            ],
            lastTrainingRun: TrainingRunStatus(outcome: "trained", reason: nil, finished: 1_700_000_200))
        scoring.accepted = 1_197
        scoring.scoredRate = 12.5
        scoring.latency = 0.0625
        scoring.bufferCapacity = 1_000
        scoring.minimumSamples = 100
        scoring.alertsByDetector = ["ae": 5, "vae": 2]
        scoring.episodes = ["ae": 3, "vae": 1]
        scoring.alertsDropped = 1
        scoring.runs = [
            TrainingRunSummary(
                detector: "ae", outcome: .trained, reason: nil, started: 1_700_000_150, finished: 1_700_000_200,
                samples: 900, epochs: 20, trainLoss: 0.25, validationLoss: 0.375, threshold: 1.5,
                heldOutFalsePositiveRate: 0.0125, modelVersion: 3, trigger: .interval),
            TrainingRunSummary(
                detector: "vae", outcome: .failed, reason: "validation loss is not finite", started: 1_700_000_150,
                finished: 1_700_000_190, samples: 900, epochs: 5, trainLoss: nil, validationLoss: nil, threshold: nil,
                heldOutFalsePositiveRate: nil, modelVersion: nil, trigger: .request),
        ]
        scoring.latencyP50 = 0.03125
        scoring.latencyP99 = 0.5
        scoring.latencyMax = 0.75
        scoring.latencySamples = 640
        scoring.trainingRuns = ["ae": ["ok": 3, "skipped": 1], "vae": ["failed": 1]]
        scoring.recentAlertRate = 0.015625
        scoring.recentAlertVectors = 512
        scoring.recentAlertSeconds = 3_600
        scoring.targetFalsePositiveRate = 0.01
        scoring.shifts = 1
        scoring.lastShift = LevelShift(
            stream: "db-1", detected: 1_700_000_300, started: 1_700_000_250, alertRate: 0.5, vectors: 360,
            features: [MovedFeature(index: 2, sigmas: -4.5)], policy: .adapt, adopted: true, reversion: true)
        scoring.futureTimestamps = 2
        scoring.duplicates = 3
        scoring.sequenceRestarts = 1
        var warming = StreamStatus(
            name: "db-2", dimension: nil, state: .warming, received: 5, scored: 0, rejected: [:], gaps: 0, alerts: 0,
            bufferSize: 5, models: [], lastTrainingRun: nil)
        warming.accepted = 5
        warming.scoredRate = 0
        warming.latency = 0
        warming.latencySamples = 0
        warming.bufferCapacity = 1_000
        warming.minimumSamples = 100
        warming.alertsByDetector = [:]
        warming.episodes = [:]
        warming.alertsDropped = 0
        warming.runs = []
        warming.recentAlertVectors = 0
        warming.recentAlertSeconds = 0
        warming.shifts = 0
        warming.futureTimestamps = 0
        warming.duplicates = 0
        warming.sequenceRestarts = 0
        return StatusReply(
            daemon: DaemonStatus(
                version: "1.2.3", uptimeSeconds: 3_600.5, pid: 4_242,
                endpoints: EndpointsStatus(
                    ingest: ["tcp://127.0.0.1:5555"], connect: ["tcp://10.0.0.2:5556"], control: "ipc:///run/aed/control.sock",
                    alerts: "tcp://127.0.0.1:5557"),
                blasKernel: "OpenBLAS 0.3.21 kernel SkylakeX", scoringThreads: 2,
                storage: StorageStatus(
                    walBytes: 4_096, lastCheckpoint: 1_700_000_010,
                    lastWriteError: StorageErrorStatus(
                        message: "database or disk is full (SQLite error 13)", time: 1_700_000_020, cause: "disk full"),
                    writesFailing: true, pendingAlerts: 12, droppedAlerts: 1),
                reload: ReloadStatus(
                    lastApplied: 1_700_000_030, notReloaded: ["daemon.alert_publish"],
                    lastFailure: ReloadFailureStatus(reason: "bad key", time: 1_700_000_040)),
                curve: CurveStatus(
                    serverKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", ingest: true, control: false, ingestKeys: 3,
                    controlKeys: 0, ingestRefused: ["unauthorized-key": 2], controlRefused: [:],
                    lastRefused: RefusedHandshakeStatus(
                        side: "ingest", reason: "unauthorized-key", endpoint: "tcp://127.0.0.1:5555", time: 1_700_000_050,
                        clientKey: "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", clientAddress: "127.0.0.1",
                        detail: "ZAP status 400"))),
            ingest: IngestStatus(
                received: 1_206, scored: 1_000, rejected: ["dim": 2, "nonfinite": 1, "malformed": 1], queuedMessages: 3,
                queuedBytes: 1_024, maxQueueBytes: 268_435_456),
            streams: [scoring, warming], unattributedRejections: ["malformed": 1], alertsWritten: 6, alertsDropped: 1,
            training: "db-1")
    }

    /// The reply's bytes as recorded from the daemon's own status types before they became
    /// Wire's one `StatusReply` (sorted keys, as `ControlReply.encode` writes them).
    static let golden = [
        #"{"alertsDropped":1,"alertsWritten":6,"daemon":{"blasKernel":"OpenBLAS 0.3.21 kernel SkylakeX","#,
        #""curve":{"control":false,"controlKeys":0,"controlRefused":{},"ingest":true,"ingestKeys":3,"#,
        #""ingestRefused":{"unauthorized-key":2},"lastRefused":{"clientAddress":"127.0.0.1","#,
        #""clientKey":"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID","detail":"ZAP status 400","#,
        #""endpoint":"tcp:\/\/127.0.0.1:5555","reason":"unauthorized-key","side":"ingest","#,
        #""time":1700000050},"serverKey":"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL\/@{H8]yf7"},"#,
        #""endpoints":{"alerts":"tcp:\/\/127.0.0.1:5557","connect":["tcp:\/\/10.0.0.2:5556"],"#,
        #""control":"ipc:\/\/\/run\/aed\/control.sock","ingest":["tcp:\/\/127.0.0.1:5555"]},"pid":4242,"#,
        #""reload":{"lastApplied":1700000030,"lastFailure":{"reason":"bad key","time":1700000040},"#,
        #""notReloaded":["daemon.alert_publish"]},"scoringThreads":2,"storage":{"droppedAlerts":1,"#,
        #""lastCheckpoint":1700000010,"lastWriteError":{"cause":"disk full","#,
        #""message":"database or disk is full (SQLite error 13)","time":1700000020},"pendingAlerts":12,"#,
        #""walBytes":4096,"writesFailing":true},"uptimeSeconds":3600.5,"version":"1.2.3"},"#,
        #""ingest":{"maxQueueBytes":268435456,"queuedBytes":1024,"queuedMessages":3,"received":1206,"#,
        #""rejected":{"dim":2,"malformed":1,"nonfinite":1},"scored":1000},"ok":true,"#,
        #""streams":[{"accepted":1197,"alerts":7,"alertsByDetector":{"ae":5,"vae":2},"alertsDropped":1,"#,
        #""bufferCapacity":1000,"bufferSize":900,"dimension":3,"duplicates":3,"episodes":{"ae":3,"vae":1},"#,
        #""futureTimestamps":2,"gaps":4,"lastShift":{"adopted":true,"alertRate":0.5,"detected":1700000300,"#,
        #""features":[{"index":2,"sigmas":-4.5}],"policy":"adapt","reversion":true,"started":1700000250,"#,
        #""stream":"db-1","vectors":360},"lastTrainingRun":{"finished":1700000200,"outcome":"trained"},"#,
        #""latency":0.0625,"latencyMax":0.75,"latencyP50":0.03125,"latencyP99":0.5,"latencySamples":640,"#,
        #""minimumSamples":100,"models":[{"created":1700000000.5,"detector":"ae","#,
        #""threshold":{"method":"quantile","targetFalsePositiveRate":0.01,"value":1.5},"trainLoss":0.25,"#,
        #""validationLoss":0.375,"version":3},{"created":1700000100,"detector":"vae","#,
        #""latentHealth":{"activity":[0.25,0.001],"klPerDimension":[0.5,0.0625]},"#,
        #""threshold":{"method":"pot","targetFalsePositiveRate":0.001,"value":20.5},"trainLoss":12.5,"#,
        #""validationLoss":13.25,"version":2}],"name":"db-1","received":1200,"recentAlertRate":0.015625,"#,
        #""recentAlertSeconds":3600,"recentAlertVectors":512,"rejected":{"dim":2,"nonfinite":1},"#,
        #""runs":[{"detector":"ae","epochs":20,"finished":1700000200,"heldOutFalsePositiveRate":0.0125,"#,
        #""modelVersion":3,"outcome":"ok","samples":900,"started":1700000150,"threshold":1.5,"#,
        #""trainLoss":0.25,"trigger":"interval","validationLoss":0.375},{"detector":"vae","epochs":5,"#,
        #""finished":1700000190,"outcome":"failed","reason":"validation loss is not finite","samples":900,"#,
        #""started":1700000150,"trigger":"request"}],"scored":1000,"scoredRate":12.5,"sequenceRestarts":1,"#,
        #""shifts":1,"state":"training","targetFalsePositiveRate":0.01,"trainingRuns":{"ae":{"ok":3,"#,
        #""skipped":1},"vae":{"failed":1}}},{"accepted":5,"alerts":0,"alertsByDetector":{},"#,
        #""alertsDropped":0,"bufferCapacity":1000,"bufferSize":5,"duplicates":0,"episodes":{},"#,
        #""futureTimestamps":0,"gaps":0,"latency":0,"latencySamples":0,"minimumSamples":100,"models":[],"#,
        #""name":"db-2","received":5,"recentAlertSeconds":0,"recentAlertVectors":0,"rejected":{},"#,
        #""runs":[],"scored":0,"scoredRate":0,"sequenceRestarts":0,"shifts":0,"state":"warming"}],"#,
        #""training":"db-1","unattributedRejections":{"malformed":1}}"#,
    ].joined()

    @Test("the status reply the daemon encodes is byte for byte the recorded one")
    func encodesTheRecordedJSON() throws {
        let encoded = String(decoding: try ControlReply.encode(Self.document()), as: UTF8.self)
        #expect(encoded == Self.golden)
    }

    @Test("aectl decodes every key of the recorded reply: it encodes back byte for byte")
    func decodesEveryRecordedKey() throws {
        let decoded = try ControlReply.decode(StatusReply.self, from: Array(Self.golden.utf8))
        #expect(decoded == Self.document())
        #expect(String(decoding: try ControlReply.encode(decoded), as: UTF8.self) == Self.golden)
    }
}
