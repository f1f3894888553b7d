import Detectors
import Foundation
import Store

/// A request to the trainer: fit the configured detectors of one stream on a buffer snapshot.
struct TrainingJob: Sendable {
    var stream: String
    var settings: StreamSettings
    var dimension: Int
    /// `[count, dimension]` row-major, oldest first.
    var values: [Float]
    var count: Int
    /// Why the run started: `initial`, `interval`, `samples`, `request`.
    var trigger: String
    /// The control request ids this run answers (0 when automatic).
    var requestIDs: [Int]
}
