import Foundation
import Tensor

extension SavedDetector {
    /// Packs a fitted detector: `configuration` and `scaler` as JSON with sorted keys (so the
    /// same model always gives the same bytes), `parameters` in the tensor engine's checkpoint
    /// format.
    /// - Throws: when the configuration or the scaler cannot be encoded as JSON.
    init<Configuration: Encodable>(
        kind: DetectorKind, configuration: Configuration, scaler: StandardScaler,
        parameters: [(name: String, tensor: Tensor)]
    ) throws {
        let json = JSONEncoder()
        json.outputFormatting = [.sortedKeys]
        self.init(
            kind: kind, configuration: try json.encode(configuration), scaler: try json.encode(scaler),
            weights: Data(Checkpoint.encode(parameters)))
    }
}
