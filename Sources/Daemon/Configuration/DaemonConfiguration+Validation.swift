import Foundation

extension DaemonConfiguration {
    /// This configuration with soft limits clamped, and one human-readable note per clamp
    /// (the daemon logs each one at `notice`).
    ///
    /// Clamps: `min_samples` to at most `buffer_size`; `batch_size` to at most the training
    /// share of `min_samples`; a `min_samples` too small to hold out at least 1/FPR... vectors is
    /// raised so the calibration quantile is not the maximum of a handful of scores.
    public func validated() -> (configuration: DaemonConfiguration, clamps: [String]) {
        var result = self
        var clamps: [String] = []
        func clamp(_ settings: inout StreamSettings, _ path: String) {
            if settings.minimumSamples > settings.bufferSize {
                clamps.append("\(path).min_samples \(settings.minimumSamples) > buffer_size; clamped to \(settings.bufferSize)")
                settings.minimumSamples = settings.bufferSize
            }
            let training = Int(Double(settings.minimumSamples) * (1 - settings.holdoutFraction))
            if settings.batchSize > max(1, training) {
                clamps.append("\(path).batch_size \(settings.batchSize) > training samples \(training); clamped")
                settings.batchSize = max(1, training)
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
