import Detectors
import Foundation
import Wire
import Store

/// A request to the trainer: fit the configured detectors of one stream on a buffer snapshot.
struct TrainingJob: Sendable {
    var stream: String
    var settings: StreamSettings
    var dimension: Int
    /// `[count, dimension]` row-major, oldest first.
    var values: [Float]
    var count: Int
    /// Per row: the vectors kept out of the buffer just before it for crossing a threshold
    /// strongly (`VectorRingBuffer.censoredCounts()`; empty = none). Calibration counts them as
    /// exceedances.
    var censored: [UInt32] = []
    /// Why the run started.
    var trigger: RetrainTrigger
    /// When it was queued, event time in seconds (vector time in a replay).
    var requestedAt: Double
    /// The control request ids this run answers (0 when automatic).
    var requestIDs: [Int]
}
