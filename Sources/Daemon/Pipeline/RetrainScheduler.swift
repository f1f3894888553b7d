import Foundation
import Logging
import Store
import Wire

/// Decides when each stream retrains, and keeps what operators asked for and what ran.
///
/// Owned by the pipeline's thread. On every `check` it queues at most one job per stream that
/// has no run in flight, for the first reason that holds: an operator's request, an adopted level
/// shift, the first model once `min_samples` vectors are buffered (retried after a pause when it
/// failed), `retrain_interval` of event time since the last run, or `retrain_samples` accepted
/// vectors. Jobs go to `submit`: the trainer thread in the live daemon, or a synchronous run in
/// a replay. Finished runs come back through `apply`.
final class RetrainScheduler {
    private let submit: (TrainingJob) -> Void
    private let logger: Logger
    private var nextRequestID = 1
    /// Retrain requests waiting for a run, by stream.
    private var requestedRuns: [String: [Int]] = [:]
    /// Streams with an adopted shift waiting for their run.
    private var shiftRuns: Set<String> = []
    /// The highest request id whose run finished, by stream.
    private(set) var completedRequests: [String: Int] = [:]
    /// The last run of each detector, by stream.
    private(set) var lastRuns: [String: [String: TrainingRunSummary]] = [:]
    /// Every run that finished since start, oldest first (the replay's list).
    private(set) var history: [(stream: String, trigger: RetrainTrigger, run: TrainingRunSummary)] = []
    /// Whether `history` is kept (a replay; the live daemon does not grow it).
    var keepsHistory = false

    /// A scheduler handing jobs to `submit`.
    init(logger: Logger, submit: @escaping (TrainingJob) -> Void) {
        self.logger = logger
        self.submit = submit
    }

    /// Fills the last runs of restored streams from the store.
    func restore(stream: String, runs: [TrainingRunSummary]) {
        for run in runs { lastRuns[stream, default: [:]][run.detector] = run }
    }

    /// Registers an operator's retrain request for `streams`.
    /// - Returns: the request id a `--wait` reply waits for.
    func request(_ streams: [String]) -> Int {
        let id = nextRequestID
        nextRequestID += 1
        for name in streams { requestedRuns[name, default: []].append(id) }
        return id
    }

    /// Asks for a retrain of `stream` after its level shift was adopted.
    func requestShiftRun(_ stream: String) {
        shiftRuns.insert(stream)
    }

    /// The trigger that would start a run of `runtime` at event time `now`, if any.
    func dueTrigger(_ runtime: StreamRuntime, now: Double) -> RetrainTrigger? {
        guard !runtime.trainingInFlight, runtime.dimension != nil, let buffer = runtime.buffer else { return nil }
        let settings = runtime.settings
        if !(requestedRuns[runtime.name] ?? []).isEmpty { return .request }
        if shiftRuns.contains(runtime.name) { return .shift }
        guard buffer.count >= settings.minimumSamples else { return nil }
        if runtime.models.count < settings.detectors.count {
            // First model (or a detector without one): retry a failed attempt after a pause.
            let pause = max(60, min(settings.retrainInterval, 600))
            let failedRecently = (lastRuns[runtime.name] ?? [:]).values.contains {
                $0.outcome == "failed" && now - $0.finished < pause
            }
            return failedRecently ? nil : .initial
        }
        if settings.retrainInterval > 0, now - runtime.lastTrainingRequest >= settings.retrainInterval { return .interval }
        if settings.retrainSamples > 0, runtime.acceptedSinceTraining >= settings.retrainSamples { return .samples }
        return nil
    }

    /// Queues a job for `runtime` with `trigger` at event time `now`, on a copy of its buffer.
    func start(_ runtime: StreamRuntime, trigger: RetrainTrigger, now: Double) {
        guard let dimension = runtime.dimension, let buffer = runtime.buffer else { return }
        let name = runtime.name
        let requested = requestedRuns[name] ?? []
        let job = TrainingJob(
            stream: name, settings: runtime.settings, dimension: dimension, values: buffer.snapshot(), count: buffer.count,
            censored: buffer.censoredCounts(), trigger: trigger, requestedAt: now, requestIDs: requested)
        requestedRuns[name] = []
        shiftRuns.remove(name)
        runtime.trainingInFlight = true
        runtime.lastTrainingRequest = now
        runtime.acceptedSinceTraining = 0
        logger.info("retrain queued", metadata: ["stream": "\(name)", "trigger": "\(trigger.rawValue)", "samples": "\(buffer.count)"])
        submit(job)
    }

    /// Takes a finished job's runs.
    func finished(stream: String, runs: [TrainingRunSummary], requestIDs: [Int], trigger: RetrainTrigger) {
        for run in runs {
            lastRuns[stream, default: [:]][run.detector] = run
            if keepsHistory { history.append((stream, trigger, run)) }
        }
        if let highest = requestIDs.max() {
            completedRequests[stream] = max(completedRequests[stream] ?? 0, highest)
        }
    }

    /// Forgets a new stream's (empty) run list.
    func admit(_ stream: String) {
        if lastRuns[stream] == nil { lastRuns[stream] = [:] }
    }
}
