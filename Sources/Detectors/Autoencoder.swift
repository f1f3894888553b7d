import Foundation
import Tensor

/// An undercomplete autoencoder; `anomalyScore = (1/D) sum_f (z_f - decoder(encoder(z))_f)^2`.
///
/// `z` is the standardized input (`StandardScaler`). Encoder `D -> hidden... -> latentDimensions`
/// (the hidden layers use `activation`, the code is linear; the sparse variant uses a sigmoid code),
/// decoder the mirror image with a linear output. Trained on the mean squared reconstruction error
/// (Hinton and Salakhutdinov, Science 2006). The same type implements the sparse autoencoder
/// (`kind == .sparseAutoencoder`, Ng 2011) and the denoising autoencoder
/// (`kind == .denoisingAutoencoder`, Vincent et al., ICML 2008): they differ only in training, and
/// all three score the clean input the same way.
public struct Autoencoder: AnomalyDetector {
    /// The stored configuration of an autoencoder.
    public struct Configuration: Sendable, Codable, Equatable {
        /// The number of input features `D`.
        public var featureCount: Int
        /// The hidden layer widths of the encoder (the decoder mirrors them).
        public var hiddenDimensions: [Int]
        /// The code width actually used (`DetectorOptions.effectiveLatentDimensions`).
        public var latentDimensions: Int
        /// The hidden layers' nonlinearity.
        public var activation: ActivationKind
        /// The code layer's nonlinearity (`identity`, or `sigmoid` for the sparse AE).
        public var codeActivation: ActivationKind
        /// The options the model was trained with.
        public var options: DetectorOptions
    }

    /// `.autoencoder`, `.sparseAutoencoder` or `.denoisingAutoencoder`.
    public let kind: DetectorKind
    /// The architecture and training options.
    public let configuration: Configuration
    /// The fitted scaler; scoring happens in its standardized space.
    public let scaler: StandardScaler
    /// `D -> hidden... -> latentDimensions`.
    public let encoder: DenseStack
    /// `latentDimensions -> hidden reversed... -> D`, linear output.
    public let decoder: DenseStack

    /// The number of features `D` of the vectors this detector scores.
    public var featureCount: Int { configuration.featureCount }

    /// Creates a detector from fitted parts.
    public init(kind: DetectorKind, configuration: Configuration, scaler: StandardScaler, encoder: DenseStack, decoder: DenseStack) {
        precondition([.autoencoder, .sparseAutoencoder, .denoisingAutoencoder].contains(kind), "Autoencoder: kind \(kind)")
        self.kind = kind
        self.configuration = configuration
        self.scaler = scaler
        self.encoder = encoder
        self.decoder = decoder
    }

    /// An untrained autoencoder (seeded initialization, identity scaler) of the given architecture.
    /// - Throws: `DetectorError.invalidOption` for bad options.
    public static func initialized(kind: DetectorKind, featureCount: Int, options: DetectorOptions) throws -> Autoencoder {
        try options.validate()
        guard featureCount > 0 else { throw DetectorError.invalidOption(name: "featureCount", value: "\(featureCount)", reason: "must be positive") }
        let codeActivation: ActivationKind = kind == .sparseAutoencoder ? .sigmoid : .identity
        let configuration = Configuration(
            featureCount: featureCount, hiddenDimensions: options.hiddenDimensions,
            latentDimensions: options.effectiveLatentDimensions(featureCount: featureCount, kind: kind),
            activation: options.activation, codeActivation: codeActivation, options: options)
        var generator = Xoshiro256StarStar(seed: options.seed)
        let hidden = options.hiddenDimensions
        let latent = options.effectiveLatentDimensions(featureCount: featureCount, kind: kind)
        let encoder = DenseStack.initialized(
            name: "encoder", sizes: [featureCount] + hidden + [latent],
            activations: Array(repeating: options.activation, count: hidden.count) + [codeActivation], using: &generator)
        let decoder = DenseStack.initialized(
            name: "decoder", sizes: [latent] + hidden.reversed() + [featureCount],
            activations: Array(repeating: options.activation, count: hidden.count) + [.identity], using: &generator)
        let scaler = StandardScaler(
            mean: Array(repeating: 0, count: featureCount), scale: Array(repeating: 1, count: featureCount),
            degenerate: Array(repeating: false, count: featureCount))
        return Autoencoder(kind: kind, configuration: configuration, scaler: scaler, encoder: encoder, decoder: decoder)
    }

    /// The reconstruction of standardized input `z`, `[samples, features]` -> `[samples, features]`.
    public func reconstruct(standardized z: Tensor) -> Tensor { decoder(encoder(z)) }

    /// The squared error of each standardized feature, `[samples, features]`.
    func squaredErrors(_ batch: Tensor) -> Tensor {
        precondition(batch.rank == 2 && batch.shape[1] == featureCount, "Autoencoder: batch \(batch.shape) vs [samples, \(featureCount)]")
        let z = scaler.transform(batch)
        return (reconstruct(standardized: z) - z).squared()
    }

    /// The mean squared reconstruction error of each row, `[samples, features]` -> `[samples]`.
    public func reconstructionError(_ batch: Tensor) -> [Float] {
        precondition(batch.rank == 2 && batch.shape[1] == featureCount, "Autoencoder: batch \(batch.shape) vs [samples, \(featureCount)]")
        let z = scaler.transform(batch)
        let reconstruction = reconstruct(standardized: z)
        let n = batch.shape[0], d = featureCount
        let scale = 1 / Float(d)
        // One pass, the same arithmetic as `squaredErrors(batch).mean(alongAxis: 1)`.
        return z.scalars.withUnsafeBufferPointer { z in
            reconstruction.scalars.withUnsafeBufferPointer { r in
                (0..<n).map { row in
                    var total: Float = 0
                    for f in (row * d)..<((row + 1) * d) {
                        let diff = r[f] - z[f]
                        total += diff * diff
                    }
                    return total * scale
                }
            }
        }
    }

    /// The mean squared reconstruction error of each row in standardized space, `[samples, features]` -> `[samples]`.
    public func anomalyScores(_ batch: Tensor) -> [Float] { reconstructionError(batch) }

    /// Squared errors divided by `D`, `[samples, features]`; each row sums to its score.
    public func featureContributions(_ batch: Tensor) -> Tensor {
        squaredErrors(batch) / Float(featureCount)
    }

    /// The stored form: configuration and scaler as JSON, weights in the engine's checkpoint format.
    /// - Throws: when the configuration cannot be encoded.
    public func saved() throws -> SavedDetector {
        try SavedDetector(
            kind: kind, configuration: configuration, scaler: scaler,
            parameters: encoder.namedTensors + decoder.namedTensors)
    }

    /// Restores an autoencoder saved by `saved()`.
    /// - Throws: `DetectorError.corruptModel` when a part cannot be decoded or shapes disagree.
    public static func load(_ saved: SavedDetector) throws -> Autoencoder {
        let configuration: Configuration
        let scaler: StandardScaler
        let tensors: [(name: String, tensor: Tensor)]
        do {
            configuration = try JSONDecoder().decode(Configuration.self, from: saved.configuration)
            scaler = try JSONDecoder().decode(StandardScaler.self, from: saved.scaler)
            tensors = try Checkpoint.decode([UInt8](saved.weights))
        } catch {
            throw DetectorError.corruptModel("\(saved.kind.rawValue): \(error)")
        }
        guard scaler.featureCount == configuration.featureCount else {
            throw DetectorError.corruptModel("scaler has \(scaler.featureCount) features, configuration \(configuration.featureCount)")
        }
        let template: Autoencoder
        do {
            template = try initialized(kind: saved.kind, featureCount: configuration.featureCount, options: configuration.options)
        } catch {
            throw DetectorError.corruptModel("\(saved.kind.rawValue): \(error)")
        }
        let byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        return Autoencoder(
            kind: saved.kind, configuration: configuration, scaler: scaler,
            encoder: try template.encoder.loading(byName), decoder: try template.decoder.loading(byName))
    }
}
