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
    /// The requests the run in flight answers, by stream (those it started with and those that
    /// joined it while it ran).
    private var runningRequests: [String: [Int]] = [:]
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

    /// Registers an operator's retrain request for `streams`, coalescing it per stream with a
    /// run already asked for: at most one run per stream is queued or running at a time.
    ///
    /// A stream with a queued request joins that run; one whose run is in flight (`running`)
    /// joins the running one, unless `followUp` (an accepted level shift, which needs a run on
    /// the adopted buffer) asks for one more after it. Otherwise a new run is queued.
    /// - Returns: the request id a `--wait` reply waits for, and how each stream took it.
    func request(_ streams: [String], running: (String) -> Bool, followUp: Bool = false)
        -> (id: Int, admissions: [String: RetrainAdmission])
    {
        let id = nextRequestID
        nextRequestID += 1
        var admissions: [String: RetrainAdmission] = [:]
        for name in streams {
            if !(requestedRuns[name] ?? []).isEmpty {
                requestedRuns[name, default: []].append(id)
                admissions[name] = .joinedQueued
            } else if running(name), !followUp {
                runningRequests[name, default: []].append(id)
                admissions[name] = .joinedRunning
            } else {
                requestedRuns[name] = [id]
                admissions[name] = .queued
            }
        }
        return (id, admissions)
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
                $0.outcome == .failed && now - $0.finished < pause
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
        runningRequests[name] = requested
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
        let answered = requestIDs + (runningRequests.removeValue(forKey: stream) ?? [])
        if let highest = answered.max() {
            completedRequests[stream] = max(completedRequests[stream] ?? 0, highest)
        }
    }

    /// Forgets a new stream's (empty) run list.
    func admit(_ stream: String) {
        if lastRuns[stream] == nil { lastRuns[stream] = [:] }
    }
}

/// How a retrain request was taken for one stream.
enum RetrainAdmission: Equatable {
    /// A new run was queued for it.
    case queued
    /// It joined a run already queued by an earlier request.
    case joinedQueued
    /// It joined the run in flight; that run answers it.
    case joinedRunning

    /// The reply's words for a request that did not queue a run of its own.
    var coalescedReason: String? {
        switch self {
        case .queued: return nil
        case .joinedQueued: return "coalesced with the retrain already queued"
        case .joinedRunning: return "coalesced with the running retrain"
        }
    }
}
