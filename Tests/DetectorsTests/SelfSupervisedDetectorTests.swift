import Foundation
import Testing
import Tensor
@testable import Detectors

/// Model properties of the `contrastive` (NeuTraL-AD) and `triplet` (GOAD) detectors on a synthetic set:
/// normal vectors near a 2-dimensional linear manifold in 8 features, anomalies uniform in the normal
/// data's bounding box (off the manifold).
@Suite struct SelfSupervisedDetectorTests {
    static let features = 8

    /// 600 training rows, then 150 normal and 150 anomalous test rows with labels.
    static let dataset: (train: Tensor, test: Tensor, labels: [Int]) = {
        let normal = TestData.lowRank(rows: 750, features: features, rank: 2, seed: 77)
        let train = normal.gatheringRows(0..<600)
        var low = [Float](repeating: .infinity, count: features), high = [Float](repeating: -.infinity, count: features)
        for r in 0..<600 {
            for f in 0..<features {
                low[f] = min(low[f], train.scalars[r * features + f])
                high[f] = max(high[f], train.scalars[r * features + f])
            }
        }
        var rng = Xoshiro256StarStar(seed: 78)
        var test = normal.gatheringRows(600..<750).scalars
        for _ in 0..<150 {
            for f in 0..<features { test.append(low[f] + (high[f] - low[f]) * rng.nextUniform()) }
        }
        return (train, Tensor(shape: [300, features], scalars: test), Array(repeating: 0, count: 150) + Array(repeating: 1, count: 150))
    }()

    static func options() -> DetectorOptions {
        var options = TestData.smallOptions(epochs: 15)
        options.latentDimensions = 8
        options.contrastiveTransformations = 6
        options.affineTransformations = 8
        options.affineDimensions = 8
        return options
    }

    @Test(arguments: [DetectorKind.contrastive, .triplet])
    func separatesOffManifoldAnomalies(kind: DetectorKind) throws {
        let (model, report) = try DetectorFactory.fit(kind: kind, data: Self.dataset.train, options: Self.options())
        let scores = model.anomalyScores(Self.dataset.test)
        #expect(scores.allSatisfy { $0.isFinite })
        let auroc = DetectionMetrics.auroc(scores: scores, labels: Self.dataset.labels)
        print("\(kind.rawValue): AUROC \(auroc), train losses \(report.trainLosses.first ?? .nan) -> \(report.trainLosses.last ?? .nan), epochs \(report.epochs)")
        #expect(auroc > 0.8, "\(kind): AUROC \(auroc)")
        let first = try #require(report.trainLosses.first), last = try #require(report.trainLosses.last)
        #expect(last < first, "\(kind): training loss \(first) -> \(last)")
    }

    /// Normal test rows with one feature moved by 8 training sigmas: how often the top attribution names it.
    @Test(arguments: [DetectorKind.contrastive, .triplet])
    func topAttributionNamesTheMovedFeature(kind: DetectorKind) throws {
        let (model, _) = try DetectorFactory.fit(kind: kind, data: Self.dataset.train, options: Self.options())
        let d = Self.features, train = Self.dataset.train, n = train.shape[0]
        let sigma = (0..<d).map { f -> Float in
            let column = (0..<n).map { Double(train.scalars[$0 * d + f]) }
            let mean = column.reduce(0, +) / Double(n)
            return Float((column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot())
        }
        var moved = Self.dataset.test.gatheringRows(0..<150).scalars
        for r in 0..<150 { moved[r * d + r % d] += 8 * sigma[r % d] }
        let contributions = model.featureContributions(Tensor(shape: [150, d], scalars: moved))
        var hits = 0
        for r in 0..<150 {
            let row = Array(contributions.scalars[(r * d)..<((r + 1) * d)])
            if row.indices.max(by: { row[$0] < row[$1] }) == r % d { hits += 1 }
        }
        let share = Double(hits) / 150
        print("\(kind.rawValue): top-1 attribution names the moved feature in \(hits) of 150 rows")
        #expect(share > 1.0 / Double(d) * 2, "\(kind): \(hits) of 150 (chance is 1 in \(d))")
    }

    @Test func maskTransformationsSeparateToo() throws {
        var options = Self.options()
        options.learnedTransformation = .mask
        let (model, _) = try NeuTraLDetector.fit(data: Self.dataset.train, options: options)
        let auroc = DetectionMetrics.auroc(scores: model.anomalyScores(Self.dataset.test), labels: Self.dataset.labels)
        print("contrastive (mask): AUROC \(auroc)")
        #expect(auroc > 0.8, "mask: AUROC \(auroc)")
        let reloaded = try DetectorFactory.load(model.saved())
        #expect(reloaded.anomalyScores(Self.dataset.test) == model.anomalyScores(Self.dataset.test))
    }

    @Test func goadTrainsBrieflyByItsStepBudget() {
        var options = DetectorOptions()  // batch 64, validation 0.2, 64 steps, 40 epochs
        #expect(GOADDetector.trainingBudget(options, samples: 1000).epochs == 6)   // 800 rows: 12 steps an epoch
        #expect(GOADDetector.trainingBudget(options, samples: 100_000).epochs == 1)
        #expect(GOADDetector.trainingBudget(options, samples: 10).epochs == 40)    // one step an epoch, capped
        #expect(GOADDetector.trainingBudget(options, samples: 1000).minimumSteps == 0)
        options.epochs = 2
        #expect(GOADDetector.trainingBudget(options, samples: 1000).epochs == 2)
    }

    @Test(arguments: [DetectorKind.contrastive, .triplet])
    func sameSeedGivesBitIdenticalScores(kind: DetectorKind) throws {
        var options = Self.options()
        options.epochs = 3
        let (first, _) = try DetectorFactory.fit(kind: kind, data: Self.dataset.train, options: options)
        let (second, _) = try DetectorFactory.fit(kind: kind, data: Self.dataset.train, options: options)
        #expect(first.anomalyScores(Self.dataset.test).map(\.bitPattern) == second.anomalyScores(Self.dataset.test).map(\.bitPattern))
        #expect(try first.saved() == second.saved())
        options.seed += 1
        let (other, _) = try DetectorFactory.fit(kind: kind, data: Self.dataset.train, options: options)
        #expect(other.anomalyScores(Self.dataset.test) != first.anomalyScores(Self.dataset.test))
    }

    @Test(arguments: [DetectorKind.contrastive, .triplet])
    func contributionsAreSharesByGradientTimesInput(kind: DetectorKind) throws {
        let (model, _) = try DetectorFactory.fit(kind: kind, data: Self.dataset.train, options: Self.options())
        let contributions = model.featureContributions(Self.dataset.test)
        #expect(contributions.shape == [300, Self.features])
        for r in 0..<300 {
            let row = contributions.scalars[(r * Self.features)..<((r + 1) * Self.features)]
            #expect(row.allSatisfy { $0 >= 0 && $0.isFinite })
            #expect(abs(row.reduce(0, +) - 1) < 1e-4)
        }
        // Scores of a batch agree with those of its rows one at a time.
        let one = Self.dataset.test.gatheringRows(150..<151)
        let alone = model.anomalyScores(one)[0], inBatch = model.anomalyScores(Self.dataset.test)[150]
        #expect(abs(alone - inBatch) <= 1e-4 * max(1, abs(inBatch)))
    }

    @Test func tripletCenterTrainingLossMatchesItsFormulaOnOneBatch() throws {
        // Two transformations, embeddings the identity of 1-d views: check CE + λ·TC by hand.
        var options = Self.options()
        options.affineTransformations = 2
        options.affineDimensions = 1
        options.hiddenDimensions = [1]
        options.latentDimensions = 1
        options.activation = .identity
        let model = try GOADDetector.initialized(featureCount: 1, options: options)
        let identity = DenseStack(name: "network", sizes: [1, 1, 1], activations: [.identity, .identity],
                                  weights: [Tensor(shape: [1, 1], scalars: [1]), Tensor(shape: [1, 1], scalars: [1])],
                                  biases: [Tensor([0]), Tensor([0])])
        let zeroHead = DenseStack(name: "head", sizes: [1, 2], activations: [.identity], weights: [Tensor.zeros([1, 2])], biases: [Tensor.zeros([2])])
        let fixed = GOADDetector(
            configuration: model.configuration, scaler: model.scaler,
            transformations: Tensor(shape: [1, 2], scalars: [1, -1]), network: identity, head: zeroHead, centers: Tensor.zeros([2, 1]))
        // Batch x = [1, 3]: view 0 embeddings [1, 3] (center 2), view 1 [-1, -3] (center -2).
        // Own-center distances² 1, 1, 1, 1; other-center 9, 25, 9, 25: hinge max(0, 1 - 9 + s) = 0 for s = 1.
        let batch = Tensor(shape: [2, 1], scalars: [1, 3])
        let loss = GOADDetector.trainingLoss(batch, model: fixed, network: { identity($0) }, head: { zeroHead($0) }, margin: 1, weight: 0.1)
        #expect(abs(loss.value.scalar - Float(log(2.0))) < 1e-6)  // zero logits: CE = log 2, TC = 0
        // A margin of 9.5: hinges 1.5, 0, 1.5, 0 -> TC = 0.75, loss = log 2 + 0.075.
        let wide = GOADDetector.trainingLoss(batch, model: fixed, network: { identity($0) }, head: { zeroHead($0) }, margin: 9.5, weight: 0.1)
        #expect(abs(wide.value.scalar - Float(log(2.0) + 0.075)) < 1e-5)
    }
}
