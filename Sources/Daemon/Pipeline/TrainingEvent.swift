import Foundation
import Wire

/// What the trainer hands back to the ingest thread.
enum TrainingEvent: Sendable {
    /// A new model was promoted; swap it in.
    case promoted(stream: String, model: ScoringModel)
    /// A job ended (after any promotions), with one summary per detector.
    case finished(stream: String, runs: [TrainingRunSummary], requestIDs: [Int], trigger: RetrainTrigger)
}
