import Detectors
import Foundation
import Logging
import Store
import Tensor
import Wire

/// The retrain thread: fits candidate models off the ingest path, calibrates their thresholds
/// on held-out buffer data, and promotes only sane ones.
///
/// A candidate is promoted when (1) its fit finished with finite losses, (2) its held-out
/// scores are finite, and (3) a threshold calibrated on one half of the held-out data gives a
/// false-positive rate near the target on the other half (at most
/// `max(4 alpha, alpha + 4 sqrt(alpha (1 - alpha) / n))`, n = held-out blocks of that half, since
/// neighbouring vectors of a time series are correlated). Its stored threshold is then
/// calibrated on all held-out data. Otherwise the run is recorded as failed with the reason
/// and the stream's current model keeps scoring. A snapshot smaller than `min_samples` is
/// recorded as skipped.
final class Trainer: @unchecked Sendable {
    let jobs = BlockingQueue<TrainingJob>()
    /// Events for the ingest thread, drained each loop.
    let events = Locked<[TrainingEvent]>([])
    /// Whether a job is running, and for which stream (shown in status).
    let running = Locked<String?>(nil)
    private let store: Store
    private let logger: Logger
    private let finished = DispatchSemaphore(value: 0)
    private var started = false
    /// The clock of run and model times, seconds: the wall clock in the daemon, the series'
    /// time in a replay.
    private let clock: @Sendable () -> Double

    /// A trainer storing into `store`, with run and model times from `clock`.
    init(store: Store, logger: Logger, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.store = store
        self.logger = logger
        self.clock = clock
    }

    /// Starts the thread at a lower scheduling priority than ingest.
    func start() {
        started = true
        let thread = Thread { [self] in
            lowerPriority()
            while let batch = jobs.takeAll(timeout: 0.5) {
                for job in batch { process(job) }
            }
            finished.signal()
        }
        thread.name = "aed-trainer"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Stops taking jobs and waits up to `timeout` seconds for the current one to end.
    /// - Returns: false when a fit was still running at the deadline (it is abandoned).
    @discardableResult func stop(timeout: Double) -> Bool {
        jobs.close()
        guard started else { return true }
        return finished.wait(timeout: .now() + timeout) == .success
    }

    private func lowerPriority() {
        #if os(Linux)
            // On Linux the nice value is per thread: 0 names the calling thread.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    func process(_ job: TrainingJob) {
        running.withLock { $0 = job.stream }
        defer { running.withLock { $0 = nil } }
        var summaries: [TrainingRunSummary] = []
        for kind in job.settings.detectors {
            let (summary, modelID) = train(kind: kind, job: job)
            summaries.append(summary)
            record(summary, modelID: modelID, stream: job.stream)
        }
        events.withLock {
            $0.append(.finished(stream: job.stream, runs: summaries, requestIDs: job.requestIDs, trigger: job.trigger))
        }
    }

    /// Records a run in the store (with `modelID`, the row of the model it promoted, if any) and
    /// logs it.
    private func record(_ summary: TrainingRunSummary, modelID: Int64?, stream: String) {
        do {
            try store.recordTrainingRun(
                NewTrainingRun(
                    stream: stream, detector: summary.detector, started: summary.started, finished: summary.finished,
                    outcome: summary.outcome, reason: summary.reason,
                    samples: summary.samples, epochs: summary.epochs,
                    trainLoss: summary.trainLoss.flatMap { $0.isFinite ? $0 : nil },
                    validationLoss: summary.validationLoss.flatMap { $0.isFinite ? $0 : nil }, modelID: modelID,
                    latentHealth: summary.latentHealth.flatMap(Self.document)))
        } catch {
            logger.error(
                "could not record training run",
                metadata: [
                    "stream": "\(stream)", "cause": "\(store.failureCause(of: error)?.rawValue ?? "-")", "error": "\(error)",
                ])
        }
        let level: Logger.Level =
            switch summary.outcome {
            case .trained: .info
            case .skipped: .notice
            case .failed: .warning
            }
        logger.log(
            level: level, "training run \(summary.outcome.rawValue)",
            metadata: [
                "stream": "\(stream)", "detector": "\(summary.detector)", "samples": "\(summary.samples)",
                "reason": "\(summary.reason ?? "-")", "version": "\(summary.modelVersion.map(String.init) ?? "-")",
                "seconds": "\(String(format: "%.1f", summary.finished - summary.started))",
            ])
        logLatentHealth(summary, stream: stream)
    }

    /// Logs a VAE fit whose posterior collapsed (warning) or partly collapsed (notice).
    private func logLatentHealth(_ summary: TrainingRunSummary, stream: String) {
        guard let health = summary.latentHealth, health.state != .healthy else { return }
        logger.log(
            level: health.state == .collapsed ? .warning : .notice,
            "VAE latent space: \(health.summary)",
            metadata: [
                "stream": "\(stream)", "detector": "\(summary.detector)", "activeUnits": "\(health.activeUnits)",
                "latentDimensions": "\(health.latentDimensions)",
            ])
    }

    /// `health` as the JSON object the store keeps (nil if it cannot be encoded).
    static func document(_ health: LatentHealth) -> String? {
        guard let data = try? JSONEncoder().encode(health) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The latent health a stored training run recorded (nil when none or unreadable).
    static func latentHealth(document: String?) -> LatentHealth? {
        guard let document else { return nil }
        return try? JSONDecoder().decode(LatentHealth.self, from: Data(document.utf8))
    }

    /// Splits rows into training and two held-out halves: blocks of 8 consecutive rows, every
    /// k-th block held out (k = round(1 / holdoutFraction)), alternating between the halves, so
    /// held-out data spans the whole buffer without sharing blocks with the training rows
    /// (`BlockHoldout`, which `aectl eval --holdout blocks` uses too).
    static func split(count: Int, holdoutFraction: Double) -> (train: [Int], calibrate: [Int], check: [Int]) {
        let holdout = BlockHoldout(count: count, holdoutFraction: holdoutFraction, blockSize: blockSize)
        return (holdout.train, holdout.calibrate, holdout.check)
    }

    /// Rows per held-out block.
    static let blockSize = BlockHoldout.defaultBlockSize

    /// Fits, checks and promotes one detector's candidate; returns the run's summary and the
    /// store's id of the model it promoted (nil unless trained).
    private func train(kind: DetectorKind, job: TrainingJob) -> (summary: TrainingRunSummary, modelID: Int64?) {
        let started = clock()
        var summary = TrainingRunSummary(
            detector: kind.rawValue, outcome: .failed, reason: nil, started: started, finished: started,
            samples: job.count, epochs: 0, trainLoss: nil, validationLoss: nil, threshold: nil,
            heldOutFalsePositiveRate: nil, modelVersion: nil, trigger: job.trigger)
        var modelID: Int64?
        func finish(_ outcome: TrainingOutcome, _ reason: String?) -> (summary: TrainingRunSummary, modelID: Int64?) {
            summary.outcome = outcome
            summary.reason = reason
            summary.finished = clock()
            return (summary, modelID)
        }
        let settings = job.settings
        guard job.count >= settings.minimumSamples else {
            return finish(.skipped, "too little data: \(job.count) vectors, need \(settings.minimumSamples)")
        }
        let d = job.dimension
        let (trainRows, calibrateRows, checkRows) = Self.split(count: job.count, holdoutFraction: settings.holdoutFraction)
        func rows(_ indices: [Int]) -> Tensor {
            var values = [Float]()
            values.reserveCapacity(indices.count * d)
            for i in indices { values.append(contentsOf: job.values[(i * d)..<((i + 1) * d)]) }
            return Tensor(shape: [indices.count, d], scalars: values)
        }
        let fitted: any AnomalyDetector
        let report: FitReport
        do {
            (fitted, report) = try DetectorTraining.fit(
                kind: kind, data: rows(trainRows), settings: settings, seed: UInt64(job.count) &* 0x9E37_79B9 &+ 17)
        } catch {
            return finish(.failed, "fit failed: \(error)")
        }
        summary.epochs = report.epochs
        summary.latentHealth = report.latentHealth
        summary.trainLoss = report.finalTrainLoss
        summary.validationLoss = report.finalValidationLoss
        let losses = [report.finalTrainLoss, report.finalValidationLoss].compactMap { $0 }
        guard report.finalTrainLoss != nil, losses.allSatisfy({ $0.isFinite }) else {
            return finish(.failed, "non-finite loss (train \(report.finalTrainLoss.map { "\($0)" } ?? "none"), validation \(report.finalValidationLoss.map { "\($0)" } ?? "none"))")
        }
        let alpha = settings.targetFalsePositiveRate
        let promotion = ThresholdPromotion(
            targetFalsePositiveRate: alpha, method: settings.thresholdMethod, blockSize: Self.blockSize)
        // Censored vectors (kept out of the buffer for crossing a threshold strongly) count as
        // exceedances of the half their next row fell into, at most half the target rate.
        let decision = promotion.decide(
            calibrationScores: fitted.anomalyScores(rows(calibrateRows)),
            checkScores: fitted.anomalyScores(rows(checkRows)),
            calibrationExceedances: ThresholdPromotion.censoredExceedances(
                job.censored, rows: calibrateRows, target: alpha),
            checkExceedances: ThresholdPromotion.censoredExceedances(job.censored, rows: checkRows, target: alpha))
        let final: ThresholdValue
        let calibrationSamples: Int
        switch decision {
        case .refused(let reason, let rate):
            summary.heldOutFalsePositiveRate = rate
            return finish(.failed, reason)
        case .promoted(let threshold, let rate, let samples):
            summary.heldOutFalsePositiveRate = rate
            final = threshold
            calibrationSamples = samples
        }
        summary.threshold = final.value
        do {
            let saved = try fitted.saved()
            let record = try store.promoteModel(
                NewModel(
                    stream: job.stream, detector: kind.rawValue, created: clock(),
                    configuration: saved.configuration, scaler: saved.scaler, weights: saved.weights,
                    seed: report.seed, trainLoss: report.finalTrainLoss, validationLoss: report.finalValidationLoss),
                threshold: NewThreshold(
                    method: settings.thresholdMethod.rawValue, targetFalsePositiveRate: alpha, value: final.value,
                    calibrationSamples: calibrationSamples,
                    created: clock()))
            summary.modelVersion = record.version
            modelID = record.id
            let model = ScoringModel(
                kind: kind, detector: fitted, threshold: final.value, thresholdMethod: settings.thresholdMethod,
                targetFalsePositiveRate: alpha, version: record.version, modelID: record.id, created: record.created,
                trainLoss: report.finalTrainLoss, validationLoss: report.finalValidationLoss,
                latentHealth: report.latentHealth)
            events.withLock { $0.append(.promoted(stream: job.stream, model: model)) }
        } catch {
            // The model in service stays; the reason names the cause ("disk full") first.
            let cause = store.failureCause(of: error).map { "\($0.rawValue): " } ?? ""
            return finish(.failed, "could not store the model: \(cause)\(error)")
        }
        return finish(.trained, nil)
    }
}
