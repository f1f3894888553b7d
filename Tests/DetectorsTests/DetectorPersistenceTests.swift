import Foundation
import Testing
import Tensor
@testable import Detectors

@Suite struct DetectorPersistenceTests {
    /// Training data with a constant feature (index 2), as SMD streams have.
    static let data: Tensor = {
        var base = TestData.lowRank(rows: 300, features: 5, rank: 2, seed: 41).scalars
        for r in 0..<300 { base[r * 5 + 2] = 0.25 }
        return Tensor(shape: [300, 5], scalars: base)
    }()

    static let probes = Tensor(shape: [6, 5], scalars: [
        0, 0, 0.25, 0, 0,
        1, -1, 0.25, 2, 0.5,
        1e30, -1e30, 0.25, 1e30, 3,
        0, 0, 7, 0, 0,           // the constant feature moves
        -1e30, 0, -1e30, 0, 1e30,
        1e-38, 1, 0.25, -2, 1,
    ])

    static func options() -> DetectorOptions {
        var options = TestData.smallOptions(epochs: 3)
        options.importanceSamples = 4
        return options
    }

    @Test(arguments: DetectorKind.allCases)
    func savedAndReloadedScoresBitIdentically(kind: DetectorKind) throws {
        let (model, _) = try DetectorFactory.fit(kind: kind, data: Self.data, options: Self.options())
        let saved = try model.saved()
        #expect(saved.kind == kind)
        let loaded = try DetectorFactory.load(saved)
        #expect(loaded.kind == kind && loaded.featureCount == 5)
        let before = model.anomalyScores(Self.probes)
        let after = loaded.anomalyScores(Self.probes)
        #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
        #expect(model.featureContributions(Self.probes) == loaded.featureContributions(Self.probes))
        let resaved = try loaded.saved()
        #expect(resaved == saved)
    }

    @Test(arguments: DetectorKind.allCases)
    func scoresStayFiniteForConstantFeaturesAndHugeInputs(kind: DetectorKind) throws {
        let (model, _) = try DetectorFactory.fit(kind: kind, data: Self.data, options: Self.options())
        let scores = model.anomalyScores(Self.probes)
        #expect(scores.count == 6)
        #expect(scores.allSatisfy { $0.isFinite }, "\(kind): \(scores)")
        #expect(model.featureContributions(Self.probes).scalars.allSatisfy { $0.isFinite && $0 >= 0 })
        // A training-constant feature that moves adds a bounded amount, far below a huge excursion. Not for
        // the contrastive detector: its DCL compares embeddings by cosine similarity, so it is bounded
        // (at most K (log K + 2/τ)) and a huge input scores like any input in its direction (NeuTraLDetector).
        if kind != .contrastive {
            #expect(scores[3] < scores[2], "\(kind): moved constant \(scores[3]) vs huge input \(scores[2])")
        }
    }

    @Test func corruptStoredModelsThrow() throws {
        let (model, _) = try DetectorFactory.fit(kind: .autoencoder, data: Self.data, options: Self.options())
        var saved = try model.saved()
        saved.weights = Data(saved.weights.prefix(20))
        #expect(throws: DetectorError.self) { try DetectorFactory.load(saved) }
        var wrongKind = try model.saved()
        wrongKind.kind = .variationalAutoencoder
        #expect(throws: DetectorError.self) { try DetectorFactory.load(wrongKind) }
    }

    @Test func makeBuildsUntrainedDetectorsOfEveryKind() throws {
        for kind in DetectorKind.allCases {
            let detector = try DetectorFactory.make(kind: kind, featureCount: 4, options: Self.options())
            #expect(detector.kind == kind && detector.featureCount == 4)
            let scores = detector.anomalyScores(Tensor(shape: [2, 4], scalars: [0, 1, 2, 3, 4, 5, 6, 7]))
            #expect(scores.allSatisfy { $0.isFinite })
        }
        var bad = DetectorOptions()
        bad.sparsityTarget = 1.5
        #expect(throws: DetectorError.invalidOption(name: "sparsityTarget", value: "1.5", reason: "must be in (0, 1)")) {
            try DetectorFactory.make(kind: .sparseAutoencoder, featureCount: 4, options: bad)
        }
    }

    @Test func optionsDecodeWithDefaultsForMissingKeys() throws {
        let options = try JSONDecoder().decode(DetectorOptions.self, from: Data(#"{"epochs": 7, "beta": 0.5}"#.utf8))
        #expect(options.epochs == 7 && options.beta == 0.5 && options.latentDimensions == 16 && options.hiddenDimensions == [64])
    }
}
