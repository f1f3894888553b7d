import Foundation
import Tensor

/// Times a scorer the way the peer's `peer_score.bench` does: consecutive slices of the data
/// (wrapping around), a short warm-up, then scoring for at least a minimum time.
enum Throughput {
    /// Seconds since an arbitrary start, monotonic.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Vectors per second of `scorer` on batches of `batchSize` rows of `file`, scored for at
    /// least `minimumSeconds`; each batch is copied out of the data into a fresh tensor, as the
    /// daemon copies its micro-batch.
    /// - Precondition: the file holds more than `batchSize` rows.
    static func vectorsPerSecond(_ scorer: Scorer, file: VectorFile, batchSize: Int, minimumSeconds: Double) -> Double {
        let d = file.dimensions
        let n = file.samples - batchSize
        precondition(n > 0, "Throughput: \(file.samples) rows for batches of \(batchSize)")
        var checksum: Float = 0
        func scoreBatch(at row: Int) {
            let batch = Tensor(shape: [batchSize, d], scalars: Array(file.values[(row * d)..<((row + batchSize) * d)]))
            let scores = scorer.score(batch)
            checksum += scores[0]
        }
        var row = 0
        for _ in 0..<20 {  // warm-up
            scoreBatch(at: row % n)
            row += batchSize
        }
        row = 0
        var done = 0
        let start = now()
        while true {
            for _ in 0..<max(1, 4096 / batchSize) {
                scoreBatch(at: row)
                row += batchSize
                if row >= n { row = 0 }
                done += batchSize
            }
            let elapsed = now() - start
            if elapsed >= minimumSeconds {
                precondition(!checksum.isNaN, "scores must not be NaN")
                return Double(done) / elapsed
            }
        }
    }

    /// The median of `values` (NaN when empty).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
