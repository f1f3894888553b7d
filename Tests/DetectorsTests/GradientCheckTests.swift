import Foundation
import Testing
import Tensor
@testable import Detectors

/// Central finite differences of each model's whole training loss against reverse-mode gradients.
@Suite struct GradientCheckTests {
    static let batch: Tensor = {
        var rng = SplitMix64(seed: 11)
        return Tensor(shape: [6, 5], scalars: (0..<30).map { _ in Float(rng.nextGaussian()) })
    }()

    /// Compares the analytic gradient of `loss` with central differences on `probes` parameter entries.
    static func check(parameters: [NamedParameter], loss: () -> Variable, probes: Int = 24) {
        parameters.zeroGradients()
        loss().backward()
        let analytic = parameters.map { $0.variable.gradient ?? Tensor.zeros($0.variable.shape) }
        parameters.zeroGradients()
        var rng = SplitMix64(seed: 3)
        let h: Float = 1e-2
        // Probes whose gradient is not near 0: a check of zeros against zeros proves nothing.
        var informative = 0
        for _ in 0..<probes {
            let p = Int(rng.next() % UInt64(parameters.count))
            let variable = parameters[p].variable
            let i = Int(rng.next() % UInt64(variable.value.count))
            let original = variable.value.scalars[i]
            variable.updateValue { $0[i] = original + h }
            let plus = Double(loss().value.scalars[0])
            variable.updateValue { $0[i] = original - h }
            let minus = Double(loss().value.scalars[0])
            variable.updateValue { $0[i] = original }
            let numeric = (plus - minus) / (2 * Double(h))
            let exact = Double(analytic[p].scalars[i])
            #expect(
                abs(numeric - exact) <= 2e-2 * max(1, abs(exact)),
                "\(parameters[p].name)[\(i)]: numeric \(numeric) vs analytic \(exact)")
            if abs(exact) > 1e-4 { informative += 1 }
        }
        #expect(informative >= probes / 2, "only \(informative) of \(probes) probes had a gradient away from 0")
    }

    @Test(arguments: [DetectorKind.autoencoder, .sparseAutoencoder, .denoisingAutoencoder])
    func autoencoderLosses(kind: DetectorKind) throws {
        var options = TestData.smallOptions(activation: .tanh)
        options.hiddenDimensions = [7]
        options.sparsityWeight = 0.5
        let model = try Autoencoder.initialized(kind: kind, featureCount: 5, options: options)
        let encoder = TrainableStack(model.encoder)
        let decoder = TrainableStack(model.decoder)
        Self.check(parameters: encoder.parameters + decoder.parameters) {
            var generator = Xoshiro256StarStar(seed: 5)  // same corruption for every evaluation
            return Autoencoder.trainingLoss(kind: kind, batch: Self.batch, encoder: encoder, decoder: decoder, options: options, generator: &generator)
        }
    }

    @Test func variationalAutoencoderLoss() throws {
        var options = TestData.smallOptions(activation: .tanh)
        options.hiddenDimensions = [7]
        options.beta = 0.7
        let model = try VariationalAutoencoder.initialized(featureCount: 5, options: options)
        let stacks = [model.encoder, model.meanHead, model.logVarianceHead, model.decoder].map(TrainableStack.init)
        var rng = SplitMix64(seed: 8)
        let rawVariance = Variable(Tensor(shape: [5], scalars: (0..<5).map { _ in Float(rng.nextGaussian()) }), requiresGradient: true)
        let degenerate = [false, false, true, false, false]
        let parameters = stacks.flatMap(\.parameters) + [NamedParameter(name: "likelihood.rawVariance", variable: rawVariance)]
        Self.check(parameters: parameters, loss: {
            var generator = Xoshiro256StarStar(seed: 9)  // same noise for every evaluation
            return VariationalAutoencoder.negativeELBOLoss(
                Self.batch, encoder: stacks[0], meanHead: stacks[1], logVarianceHead: stacks[2], decoder: stacks[3],
                rawVariance: rawVariance, degenerate: degenerate, beta: 0.7, generator: &generator)
        }, probes: 32)
    }
}
