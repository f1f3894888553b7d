import Alerts
import Detectors
import Foundation
import Logging
import Store
import Wire

/// What `aed replay` is asked to do (docs/DESIGN.md, "aed replay").
public struct ReplayOptions: Sendable {
    /// The series to score (`--file`), CSV as `aectl publish` reads it.
    public var file: String
    /// Rows replayed first to warm the stream up (`--train`), no metrics.
    public var train: String?
    /// One 0/1 label per `--file` row (`--labels`).
    public var labels: String?
    /// The stream name (`--stream`); its `[streams."name"]` section applies.
    public var stream: String = "replay"
    /// Time of the first row without a `ts` column, seconds (`--ts-start`, default 0).
    public var tsStart: Double?
    /// Seconds between rows without a `ts` column (`--ts-step`, default 60).
    public var tsStep: Double = 60
    /// Where to leave the `aed.db` the daemon would have written (`--state-dir`); a temporary
    /// folder, removed at the end, without it.
    public var stateDirectory: String?
    /// Where `--report` will write (checked before the replay runs; written by the caller).
    public var report: String?
    /// Asked between rows; true stops the replay with `ReplayError.interrupted` (Ctrl-C).
    public var isInterrupted: @Sendable () -> Bool = { false }

    /// Options for `file`.
    public init(file: String) {
        self.file = file
    }
}

/// The outcome of a replay: the summary `--json` prints, and every score for the report.
public struct ReplayOutcome: Sendable {
    /// What `--json` prints.
    public var summary: ReplaySummary
    /// Feature names of the series.
    public var featureNames: [String]
    /// Vector time of every row, seconds; `trainRows` of them are `--train` rows.
    public var times: [Double]
    public var trainRows: Int
    /// Labels of the `--file` rows, if given.
    public var labels: [Int]?
    /// Per detector, in the order of `detectors`: each row's score (NaN while warming), the
    /// threshold in force (NaN while warming) and whether it alerted.
    public var traces: [(detector: String, scores: [Float], thresholds: [Double], alerted: [Bool])]
    /// The largest alert episodes of the `--file` rows, largest first.
    public var episodes: [Alert]
}

/// `aed replay`: the daemon's own stream pipeline over a recorded series, in event time.
///
/// The `--train` rows and then the `--file` rows go through `StreamPipeline` exactly as
/// vectors from ZeroMQ would, with the row's vector time as the clock: retrain timers, episode
/// gaps and shift windows run on it, and a training run that comes due runs synchronously at
/// that point of the series, before the next vector is scored. Each vector is scored as it
/// arrives (micro-batches of one). So the same files and configuration give the same output,
/// bit for bit. Alerts, runs, models and shifts go to a real store, as the daemon writes them.
/// Buffer snapshots are written once, at the end (a replay cannot crash halfway and resume).
public enum Replay {
    /// Runs a replay.
    /// - Throws: `CSVError` (file and line) or `ReplayError` for bad input, before anything is
    ///   written; `DaemonError.store` when the store cannot be created.
    public static func run(_ options: ReplayOptions, configuration base: DaemonConfiguration, logger: Logger) throws -> ReplayOutcome {
        guard StreamName.isValid(options.stream) else {
            throw ReplayError.badOption("--stream \"\(options.stream)\" is not a valid stream name (1-128 bytes of A-Za-z0-9._:/-)")
        }
        if let report = options.report {
            let inputs = [options.file, options.train, options.labels].compactMap { $0 }.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let target = URL(fileURLWithPath: report).standardizedFileURL
            guard !inputs.contains(target.path) else { throw ReplayError.badOption("--report \(report) would overwrite an input file") }
            var isDirectory: ObjCBool = false
            let folder = target.deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
                !(FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) && isDirectory.boolValue)
            else { throw ReplayError.badOption("--report \(report): its folder does not exist or it is a folder") }
        }
        let series = try ReplaySeries.read(
            file: options.file, train: options.train, labels: options.labels, tsStart: options.tsStart, tsStep: options.tsStep)
        if let fixed = base.settings(forStream: options.stream).dimension, fixed != series.dimension {
            throw ReplayError.unusable("the configuration fixes dimension \(fixed) for stream \(options.stream); the files have \(series.dimension) features")
        }
        guard series.dimension <= base.daemon.maxDimension else {
            throw ReplayError.unusable("\(series.dimension) features exceed daemon.max_dimension \(base.daemon.maxDimension)")
        }

        let folder: String
        var temporary: String?
        if let directory = options.stateDirectory {
            let database = (directory as NSString).appendingPathComponent("aed.db")
            guard !FileManager.default.fileExists(atPath: database) else { throw ReplayError.stateExists(database) }
            folder = directory
        } else {
            folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("aed-replay-\(UUID().uuidString)")
            temporary = folder
        }
        try DaemonError.createStateDirectory(folder)
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        // An interrupted replay leaves no half-written database in --state-dir (it held none).
        var complete = false
        defer {
            if !complete, temporary == nil {
                let database = (folder as NSString).appendingPathComponent("aed.db")
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
            }
        }
        let store: Store
        do {
            store = try Store.open(path: (folder as NSString).appendingPathComponent("aed.db"))
        } catch {
            throw DaemonError.store(reason: "\(error)")
        }
        defer {
            // As at the daemon's clean stop: the left aed.db holds everything by itself.
            _ = try? store.checkpoint()
            try? store.close()
        }

        var configuration = base
        configuration.daemon.stateDirectory = folder
        configuration.daemon.maxBatch = 1
        configuration.daemon.snapshotInterval = 0
        configuration.alerts.retention = 0
        let run = ReplayRun(series: series, stream: options.stream, configuration: configuration, store: store, logger: logger)
        let outcome = try run.execute(isInterrupted: options.isInterrupted)
        complete = true
        return outcome
    }
}

/// One replay's state: the pipeline, its synchronous trainer and what the observer collects.
private final class ReplayRun {
    let series: ReplaySeries
    let stream: String
    let pipeline: StreamPipeline
    let writer: AlertWriter
    let clock = Locked(0.0)
    var row = 0
    var detectors: [String] = []
    var scores: [String: [Float]] = [:]
    var thresholds: [String: [Double]] = [:]
    var alerted: [String: [Bool]] = [:]

    init(series: ReplaySeries, stream: String, configuration: DaemonConfiguration, store: Store, logger: Logger) {
        self.series = series
        self.stream = stream
        let clock = self.clock
        let trainer = Trainer(store: store, logger: logger) { clock.withLock { $0 } }
        writer = AlertWriter(store: store, logger: logger, retention: 0)
        let scheduler = RetrainScheduler(logger: logger) { job in trainer.process(job) }
        scheduler.keepsHistory = true
        pipeline = StreamPipeline(
            configuration: configuration, restored: [:], store: store, trainer: trainer, writer: writer,
            scheduler: scheduler, logger: logger, now: series.times.first ?? 0)
        pipeline.observer = { [unowned self] batch in observe(batch) }
    }

    /// Notes the scores of the current row (batches are of one vector here).
    private func observe(_ batch: ScoredBatch) {
        for entry in batch.scores {
            if scores[entry.detector] == nil {
                detectors.append(entry.detector)
                scores[entry.detector] = [Float](repeating: .nan, count: series.rows)
                thresholds[entry.detector] = [Double](repeating: .nan, count: series.rows)
                alerted[entry.detector] = [Bool](repeating: false, count: series.rows)
            }
            let first = row - batch.vectorTimes.count + 1
            for (offset, score) in entry.scores.enumerated() where first + offset >= 0 {
                scores[entry.detector]?[first + offset] = score
                thresholds[entry.detector]?[first + offset] = entry.threshold
                alerted[entry.detector]?[first + offset] = !(Double(score) <= entry.threshold)
            }
        }
    }

    /// Replays every row; asks `isInterrupted` every 256 rows.
    /// - Throws: `ReplayError.interrupted` when it says so (the store writer is stopped first).
    func execute(isInterrupted: () -> Bool) throws -> ReplayOutcome {
        writer.start()
        let d = series.dimension
        var alertsAtTest = 0
        var episodesAtTest = 0
        for index in 0..<series.rows {
            if index % 256 == 0, isInterrupted() {
                writer.stop(timeout: 60)
                throw ReplayError.interrupted(row: index, of: series.rows)
            }
            let time = series.times[index]
            if index == series.trainRows, let runtime = pipeline.table[stream] {
                alertsAtTest = runtime.counters.alerts.values.reduce(0, +)
                episodesAtTest = runtime.counters.episodes.values.reduce(0, +)
            }
            row = index
            clock.withLock { $0 = time }
            pipeline.ingest(
                stream: stream, values: Array(series.values[(index * d)..<((index + 1) * d)]), timestamp: time, sequence: nil,
                now: time)
            pipeline.tick(now: time)
        }
        pipeline.scoreAllPending(now: series.times.last ?? 0)
        pipeline.snapshotBuffers()
        writer.stop(timeout: 60)

        let runtime = pipeline.table[stream]
        let testStart = series.trainRows < series.rows ? series.times[series.trainRows] : .infinity
        let counters = runtime?.counters ?? StreamCounters()
        var scoredDuringTest = 0
        for index in series.trainRows..<series.rows where detectors.contains(where: { !(scores[$0]?[index].isNaN ?? true) }) {
            scoredDuringTest += 1
        }
        let retrains = pipeline.scheduler.history.map { entry in
            ReplaySummary.Retrain(
                time: entry.run.started, detector: entry.run.detector, outcome: entry.run.outcome, reason: entry.run.reason,
                trigger: entry.trigger, modelVersion: entry.run.modelVersion, duringTrain: entry.run.started < testStart)
        }
        var summary = ReplaySummary(
            stream: stream, vectors: series.testRows, trainVectors: series.trainRows, scored: scoredDuringTest,
            alerts: counters.alerts.values.reduce(0, +) - (series.trainRows < series.rows ? alertsAtTest : counters.alerts.values.reduce(0, +)),
            episodes: counters.episodes.values.reduce(0, +) - (series.trainRows < series.rows ? episodesAtTest : counters.episodes.values.reduce(0, +)),
            retrains: retrains, shifts: pipeline.shiftHistory, overall: nil, detectors: nil)
        if let labels = series.labels {
            let testRange = series.trainRows..<series.rows
            var any = [Bool](repeating: false, count: series.testRows)
            var byDetector: [String: ReplayMetrics] = [:]
            for name in detectors {
                let flags = Array(alerted[name]?[testRange] ?? [])
                for (index, flag) in flags.enumerated() where flag { any[index] = true }
                byDetector[name] = ReplayMetrics(alerted: flags, labels: labels)
            }
            summary.overall = ReplayMetrics(alerted: any, labels: labels)
            summary.detectors = byDetector
        }
        let episodes = ((try? pipeline.store.alerts(stream: stream, since: testStart, limit: 100_000)) ?? [])
            .sorted { ($0.alert.episodeCount, $0.alert.anomalyScore) > ($1.alert.episodeCount, $1.alert.anomalyScore) }
        return ReplayOutcome(
            summary: summary, featureNames: series.featureNames, times: series.times, trainRows: series.trainRows,
            labels: series.labels,
            traces: detectors.map { ($0, scores[$0] ?? [], thresholds[$0] ?? [], alerted[$0] ?? []) },
            episodes: episodes.prefix(12).map(\.alert))
    }
}
