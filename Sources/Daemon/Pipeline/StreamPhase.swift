/// The lifecycle state of a stream, as shown by `aectl status`.
enum StreamPhase: String, Sendable, Codable {
    /// Collecting vectors until `min_samples`; nothing is scored yet.
    case warming
    /// Active models score every vector.
    case scoring
    /// A fit runs in the background; scoring continues with the current models, if any.
    case training
}
