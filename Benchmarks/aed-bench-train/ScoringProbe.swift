import Detectors
import Tensor

/// Measures inference throughput of the reference AE (a fitted `DenseStack`, no graph): per-vector
/// reconstruction error at several batch sizes.
enum ScoringProbe {
    /// Vectors per second scoring `data` in batches of `batchSize`, best of 3 passes.
    static func vectorsPerSecond(model: DenseStack, data: Tensor, batchSize: Int, vectors: Int) -> Double {
        let n = data.shape[0]
        let batches = (0..<max(1, vectors / batchSize)).map { b in
            data.gatheringRows(((b * batchSize) % max(1, n - batchSize))..<((b * batchSize) % max(1, n - batchSize) + batchSize))
        }
        var best = 0.0
        var checksum: Float = 0
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let start = clock.now
            for batch in batches {
                let reconstructionError = Tensor.rowMeanSquaredError(model(batch), batch)
                checksum += reconstructionError.scalars[0]
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = max(best, Double(batches.count * batchSize) / seconds)
        }
        _ = checksum  // keeps the scoring from being optimized away
        return best
    }
}
