import Foundation

extension DaemonConfiguration {
    /// This configuration with soft limits clamped, and one human-readable note per clamp
    /// (the daemon logs each one at `notice`).
    ///
    /// Clamps: a `min_samples` too small to hold out 1/FPR vectors in each calibration half is
    /// raised (with `buffer_size`); `min_samples` to at most `buffer_size`; `batch_size` to at
    /// most the training share of `min_samples`; `retrain_interval` to at least 10 s.
    public func validated() -> (configuration: DaemonConfiguration, clamps: [String]) {
        var result = self
        var clamps: [String] = []
        func clamp(_ settings: inout StreamSettings, _ path: String) {
            // Calibration holds out holdout_fraction of the buffer and splits it in two halves;
            // each half must hold 1/FPR scores for a quantile (10 peaks above 2 FPR for POT).
            let perHalf = settings.thresholdMethod == .quantile
                ? 1 / settings.targetFalsePositiveRate : 10 / max(0.02, 2 * settings.targetFalsePositiveRate)
            let needed = Int((2 * perHalf / settings.holdoutFraction * 1.1).rounded(.up))
            if settings.minimumSamples < needed {
                clamps.append(
                    "\(path).min_samples \(settings.minimumSamples) too small to calibrate at rate \(settings.targetFalsePositiveRate) with holdout \(settings.holdoutFraction); raised to \(needed)")
                settings.minimumSamples = needed
                settings.bufferSize = max(settings.bufferSize, needed)
            }
            if settings.minimumSamples > settings.bufferSize {
                clamps.append("\(path).min_samples \(settings.minimumSamples) > buffer_size; clamped to \(settings.bufferSize)")
                settings.minimumSamples = settings.bufferSize
            }
            let training = Int(Double(settings.minimumSamples) * (1 - settings.holdoutFraction))
            if settings.model.batchSize > max(1, training) {
                clamps.append("\(path).batch_size \(settings.model.batchSize) > training samples \(training); clamped")
                settings.model.batchSize = max(1, training)
            }
            if let rate = settings.shiftAlertRate, rate <= settings.targetFalsePositiveRate {
                let raised = min(0.99, 5 * settings.targetFalsePositiveRate)
                clamps.append(
                    "\(path).shift_alert_rate \(rate) is not above the target false-positive rate; raised to \(raised)")
                settings.shiftAlertRate = raised
            }
            if settings.retrainInterval > 0, settings.retrainInterval < 10 {
                clamps.append("\(path).retrain_interval \(settings.retrainInterval)s < 10s; clamped to 10s")
                settings.retrainInterval = 10
            }
        }
        clamp(&result.defaults, "defaults")
        for name in result.streams.keys.sorted() {
            if var settings = result.streams[name] {
                clamp(&settings, "streams.\(name)")
                result.streams[name] = settings
            }
        }
        if result.daemon.statusInterval < 1 {
            clamps.append("daemon.status_interval \(result.daemon.statusInterval)s < 1s; clamped to 1s")
            result.daemon.statusInterval = 1
        }
        if result.alerts.episodeGap <= 0 && result.alerts.episodes {
            clamps.append("alerts.episode_gap 0 with episodes on; clamped to 1s")
            result.alerts.episodeGap = 1
        }
        return (result, clamps)
    }
}
