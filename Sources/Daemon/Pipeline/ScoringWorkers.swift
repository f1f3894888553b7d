import Detectors
import Foundation
import Tensor

/// The threads that score a micro-batch together, so scoring uses the machine's cores when
/// there is more work than one core can do (`[daemon] scoring_threads`).
///
/// A batch of `count` rows is split into up to `threads` consecutive shares of at least
/// `minimumRowsPerShare` rows. The calling thread (the ingest thread, the only owner of the
/// sockets and of every stream's state) scores the first share of every model; each worker
/// scores one other share of every model; the caller waits for them and gets the scores in row
/// order. Everything after the anomaly scores (thresholds, alerts, episodes, counters, buffers)
/// stays on the caller, so per-stream order and every counter are exactly as with one thread.
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

    /// The shares `count` rows split into: consecutive row ranges, the first the largest.
    func shares(of count: Int) -> [Range<Int>] {
        let shareCount = max(1, min(threads, count / Self.minimumRowsPerShare))
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

    /// The anomaly score of every row of `batch` (`[rows, features]`) under each detector, in
    /// the order of `detectors`: `[detectors][rows]`, as `anomalyScores` computes them.
    func anomalyScores(_ detectors: [any AnomalyDetector], batch: Tensor) -> [[Float]] {
        let count = batch.shape[0]
        let ranges = shares(of: count)
        guard ranges.count > 1 else { return detectors.map { $0.anomalyScores(batch) } }
        let width = batch.shape.count > 1 ? batch.shape[1] : 1
        let parts = ranges.map { range in
            range == 0..<count
                ? batch
                : Tensor(shape: [range.count, width], scalars: Array(batch.scalars[(range.lowerBound * width)..<(range.upperBound * width)]))
        }
        let results = ShareResults(shares: ranges.count, detectors: detectors.count)
        for share in 1..<ranges.count {
            let part = parts[share]
            queues[share - 1].put { [results] in
                results.set(share: share, detectors.map { $0.anomalyScores(part) })
            }
        }
        results.set(share: 0, detectors.map { $0.anomalyScores(parts[0]) })
        let byShare = results.waitForAll()
        return (0..<detectors.count).map { detector in byShare.flatMap { $0[detector] } }
    }
}

/// The scores of each share, filled by the threads that computed them.
private final class ShareResults: @unchecked Sendable {
    private let condition = NSCondition()
    private var scores: [[[Float]]]
    private var missing: Int

    init(shares: Int, detectors: Int) {
        scores = Array(repeating: [], count: shares)
        missing = shares
    }

    func set(share: Int, _ value: [[Float]]) {
        condition.lock()
        scores[share] = value
        missing -= 1
        if missing == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Every share's scores, `[shares][detectors][rows of the share]`, once all are in.
    func waitForAll() -> [[[Float]]] {
        condition.lock()
        defer { condition.unlock() }
        while missing > 0 { condition.wait() }
        return scores
    }
}
