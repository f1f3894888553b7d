import Detectors
import Foundation
import Tensor

/// The threads that score a micro-batch together, so scoring uses the machine's cores when
/// there is more work than one core can do (`[daemon] scoring_threads`).
///
/// A batch of `count` rows is split into consecutive shares of at least `minimumRowsPerShare`
/// rows, up to `sharesPerThread` per thread. The calling thread (the ingest thread, the only
/// owner of the sockets and of every stream's state) and every worker take the next untaken
/// share until none is left; the caller waits for the last and gets the scores in row order.
/// Everything after the anomaly scores (thresholds, alerts, episodes, counters, buffers) stays
/// on the caller, so per-stream order and every counter are exactly as with one thread; the
/// alerting rows' feature attributions are shared out the same way.
/// Detectors are immutable values with fixed noise (the VAE's importance samples), so a row's
/// score does not depend on the share it was computed in, up to the rounding of the BLAS kernel
/// chosen for the share's shape.
///
/// Workers are plain threads waiting on their own queues; they end when this object does.
final class ScoringWorkers: @unchecked Sendable {
    /// Threads that score, the caller included (1: the caller alone, no worker thread).
    let threads: Int
    /// The fewest rows a share holds: handing a share to another thread costs tens of
    /// microseconds, about what 64 rows of the default VAE cost to score.
    static let minimumRowsPerShare = 64
    private let queues: [BlockingQueue<@Sendable () -> Void>]

    /// `threads` scoring threads, the caller included: `threads - 1` workers are started.
    /// - Parameter threads: clamped to at least 1.
    init(threads: Int) {
        self.threads = max(1, threads)
        queues = (1..<self.threads).map { _ in BlockingQueue<@Sendable () -> Void>() }
        for (index, queue) in queues.enumerated() {
            let thread = Thread {
                while let jobs = queue.takeAll(timeout: 60) {
                    for job in jobs { job() }
                }
            }
            thread.name = "aed-score-\(index + 1)"
            thread.start()
        }
    }

    deinit {
        for queue in queues { queue.close() }
    }

    /// The threads the process may run on: the CPUs of its affinity mask, within its cgroup's
    /// CPU quota (Foundation's `activeProcessorCount`).
    static var availableCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Shares a batch is cut into per thread: more shares than threads, so that a thread that
    /// starts late (woken after the caller, or descheduled by the writer) takes fewer of them
    /// instead of holding the caller up for a whole half of the batch.
    static let sharesPerThread = 4

    /// The shares `count` rows split into: consecutive row ranges, the first the largest, each
    /// of at least `minimum` rows (`minimumRowsPerShare` unless told), at most
    /// `sharesPerThread` per thread; one share with one thread or fewer than `2 * minimum` rows.
    func shares(of count: Int, minimum: Int = ScoringWorkers.minimumRowsPerShare) -> [Range<Int>] {
        let most = threads == 1 ? 1 : threads * Self.sharesPerThread
        let shareCount = max(1, min(most, count / max(1, minimum)))
        let base = count / shareCount, extra = count % shareCount
        var ranges: [Range<Int>] = []
        var start = 0
        for index in 0..<shareCount {
            let size = base + (index < extra ? 1 : 0)
            ranges.append(start..<(start + size))
            start += size
        }
        return ranges
    }

    /// Runs `body` on each share of `count` rows (see `shares(of:minimum:)`) and returns the
    /// results in share order once all are in. The calling thread and every worker take the
    /// next share not yet taken until none is left, so the work balances itself. `body` must
    /// read only what it is given: it runs on several threads at once.
    func map<Result: Sendable>(
        rows count: Int, minimumPerShare minimum: Int = ScoringWorkers.minimumRowsPerShare,
        _ body: @escaping @Sendable (Range<Int>) -> Result
    ) -> [Result] {
        let ranges = shares(of: count, minimum: minimum)
        guard ranges.count > 1 else { return [body(0..<count)] }
        let job = SharedJob<Result>(ranges: ranges, body: body)
        for queue in queues.prefix(ranges.count - 1) { queue.put { [job] in job.work() } }
        job.work()
        return job.waitForAll()
    }

    /// The anomaly score of every row of `batch` (`[rows, features]`) under each detector, in
    /// the order of `detectors`: `[detectors][rows]`, as `anomalyScores` computes them.
    func anomalyScores(_ detectors: [any AnomalyDetector], batch: Tensor) -> [[Float]] {
        let count = batch.shape[0]
        let width = batch.shape.count > 1 ? batch.shape[1] : 1
        let byShare = map(rows: count) { range in
            let part = range == 0..<count
                ? batch
                : Tensor(shape: [range.count, width], scalars: Array(batch.scalars[(range.lowerBound * width)..<(range.upperBound * width)]))
            return detectors.map { $0.anomalyScores(part) }
        }
        return (0..<detectors.count).map { detector in byShare.flatMap { $0[detector] } }
    }
}

/// One batch's shares: each thread that works on it takes the next share not yet taken,
/// computes it and stores the result, until none is left.
private final class SharedJob<Result: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let ranges: [Range<Int>]
    private let body: @Sendable (Range<Int>) -> Result
    private var results: [Result?]
    private var next = 0
    private var missing: Int

    init(ranges: [Range<Int>], body: @escaping @Sendable (Range<Int>) -> Result) {
        self.ranges = ranges
        self.body = body
        results = Array(repeating: nil, count: ranges.count)
        missing = ranges.count
    }

    /// Computes shares until every share is taken.
    func work() {
        while let share = take() {
            let value = body(ranges[share])
            condition.lock()
            results[share] = value
            missing -= 1
            if missing == 0 { condition.broadcast() }
            condition.unlock()
        }
    }

    private func take() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard next < ranges.count else { return nil }
        next += 1
        return next - 1
    }

    /// Every share's result, in share order, once all are in.
    func waitForAll() -> [Result] {
        condition.lock()
        defer { condition.unlock() }
        while missing > 0 { condition.wait() }
        return results.compactMap { $0 }
    }
}
