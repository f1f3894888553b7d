import Detectors
import Tensor

/// Training samples/s through the daemon's own path (`DetectorFactory.fit`: scaler, shuffled
/// mini-batches, Adam, gradient clipping), batch 256, no validation split, one BLAS thread.
enum TrainingProbe {
    /// Median samples/s of `repeats` fits of `kind` for `epochs` over all of `file`.
    /// - Throws: `ScoreBenchError.detector` when a fit fails.
    static func samplesPerSecond(kind: DetectorKind, file: VectorFile, epochs: Int, repeats: Int, seed: UInt64) throws -> Double {
        let data = Tensor(shape: [file.samples, file.dimensions], scalars: file.values)
        var options = DetectorOptions()
        options.hiddenDimensions = [64]
        options.latentDimensions = 16
        options.batchSize = 256
        options.epochs = epochs
        options.minimumSteps = 0  // exactly `epochs` passes, as the peer
        options.validationFraction = 0
        options.patience = epochs + 1
        options.seed = seed
        var rates: [Double] = []
        for _ in 0..<repeats {
            do {
                let (_, report) = try DetectorFactory.fit(kind: kind, data: data, options: options)
                rates.append(Double(report.samples * report.epochs) / report.seconds)
            } catch {
                throw ScoreBenchError.detector("\(kind.rawValue) fit failed: \(error)")
            }
        }
        return Throughput.median(rates)
    }
}
