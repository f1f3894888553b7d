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

extension SavedDetector {
    /// Unpacks what `init(kind:configuration:scaler:parameters:)` packed: the configuration and
    /// the scaler from JSON, and the parameters by name (the first of a repeated name wins).
    /// - Throws: `DetectorError.corruptModel`, prefixed with the detector's name, when a part
    ///   cannot be decoded.
    func unpacked<Configuration: Decodable>(_ type: Configuration.Type) throws
        -> (configuration: Configuration, scaler: StandardScaler, parameters: [String: Tensor])
    {
        do {
            let configuration = try JSONDecoder().decode(Configuration.self, from: self.configuration)
            let scaler = try JSONDecoder().decode(StandardScaler.self, from: self.scaler)
            let tensors = try Checkpoint.decode([UInt8](weights))
            return (configuration, scaler, Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first }))
        } catch {
            throw DetectorError.corruptModel("\(kind.rawValue): \(error)")
        }
    }
}
