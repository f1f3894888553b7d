/// Names one alert episode of a daemon run: its stream, detector, and the serial its stream's
/// `AlertEpisodeTracker` gave it.
struct AlertEpisodeKey: Hashable, Sendable {
    var stream: String
    var detector: String
    var serial: Int
}
