import Foundation
import Testing
import Tensor
@testable import Detectors

@Suite struct TrainingTests {
    @Test func earlyStoppingEndsBeforeTheEpochLimitAndKeepsTheBestEpoch() throws {
        let data = TestData.lowRank(rows: 300, features: 5, rank: 2, seed: 61)
        var options = TestData.smallOptions(epochs: 400)
        options.patience = 3
        options.learningRate = 1e-2
        let (_, report) = try Autoencoder.fit(kind: .autoencoder, data: data, options: options)
        #expect(report.epochs < 400)
        let best = report.validationLosses.min() ?? .infinity
        // Stopped `patience` epochs after the best one.
        #expect(report.validationLosses.lastIndex(of: best) == report.epochs - 1 - options.patience)
    }

    @Test func minimumStepsRaisesTheEpochLimitOnSmallData() throws {
        let data = TestData.lowRank(rows: 100, features: 4, rank: 2, seed: 62)
        var options = TestData.smallOptions(epochs: 1)
        options.minimumSteps = 20  // 80 training rows / batch 32 = 2 steps an epoch -> 10 epochs
        options.patience = 100
        let (_, report) = try Autoencoder.fit(kind: .autoencoder, data: data, options: options)
        #expect(report.epochs == 10)
    }

    @Test(arguments: [CorruptionKind.gaussian, .masking])
    func corruptionHasTheConfiguredLevel(kind: CorruptionKind) {
        let clean = Tensor(repeating: 1, shape: [200, 50])
        var generator = Xoshiro256StarStar(seed: 63)
        let corrupted = Autoencoder.corrupt(clean, kind: kind, level: 0.3, using: &generator)
        let differences = zip(corrupted.scalars, clean.scalars).map { Double($0 - $1) }
        switch kind {
        case .gaussian:
            let deviation = (differences.map { $0 * $0 }.reduce(0, +) / Double(differences.count)).squareRoot()
            #expect(abs(deviation - 0.3) < 0.01)
        case .masking:
            let masked = Double(corrupted.scalars.filter { $0 == 0 }.count) / Double(clean.count)
            #expect(abs(masked - 0.3) < 0.02)
        }
    }

    @Test func vaeReportsKLPerLatentDimensionAndCollapse() throws {
        // 8 features driven by one factor: a 4-wide code needs one dimension; the others collapse.
        let data = TestData.lowRank(rows: 600, features: 8, rank: 1, noise: 0.05, seed: 64)
        var options = TestData.smallOptions(epochs: 60)
        options.latentDimensions = 4
        options.patience = 10
        let (vae, report) = try VariationalAutoencoder.fit(data: data, options: options)
        let perDimension = (0..<4).compactMap { report.diagnostics["kl.latent.\($0)"] }
        #expect(perDimension.count == 4)
        #expect(perDimension.allSatisfy { $0 >= 0 && $0.isFinite })
        let sorted = perDimension.sorted()
        #expect(sorted[3] > 1, "the used dimension carries information: \(perDimension)")
        #expect(sorted[0] < 0.1, "a collapsed dimension is visible: \(perDimension)")
        #expect(abs((report.diagnostics["kl.total"] ?? 0) - perDimension.reduce(0, +)) < 1e-9)
        #expect(vae.klDivergencePerDimension(data).count == 4)
        // Burda et al.'s active units agree: the used dimension is active, a collapsed one not.
        let health = try #require(report.latentHealth)
        #expect(health.klPerDimension == perDimension)
        #expect(health.latentDimensions == 4)
        #expect(health.activeUnits >= 1 && health.activeUnits < 4, "\(health)")
        #expect(health.state == .partlyCollapsed)
        #expect(report.diagnostics["latent.activeUnits"] == Double(health.activeUnits))
        let used = try #require(perDimension.indices.max { perDimension[$0] < perDimension[$1] })
        let idle = try #require(perDimension.indices.min { perDimension[$0] < perDimension[$1] })
        #expect(health.activity[used] > LatentHealth.activityThreshold)
        #expect(health.activity[idle] <= LatentHealth.activityThreshold)
    }

    @Test func vaeOnDataWithAsManyFactorsAsLatentUnitsUsesThemAll() throws {
        let data = TestData.lowRank(rows: 800, features: 8, rank: 2, noise: 0.05, seed: 65)
        var options = TestData.smallOptions(epochs: 60)
        options.latentDimensions = 2
        options.patience = 10
        let (_, report) = try VariationalAutoencoder.fit(data: data, options: options)
        let health = try #require(report.latentHealth)
        #expect(health.activeUnits == 2, "\(health)")
        #expect(health.state == .healthy)
    }

    @Test func latentHealthStatesAndActivityAreTheVarianceOfThePosteriorMean() {
        let health = LatentHealth(klPerDimension: [0.001, 2.5, 0.0, 0.002], activity: [0.001, 0.9, 0.0, 0.02])
        #expect(health.activeUnits == 2)
        #expect(health.state == .partlyCollapsed)
        #expect(health.summary.hasPrefix("2 of 4 latent units active (KL 0.00 2.50 0.00 0.00 nats)"))
        #expect(health.summary.hasSuffix("posterior partly collapsed"))
        #expect(LatentHealth(klPerDimension: [0, 0], activity: [0.001, 0.005]).state == .collapsed)
        #expect(LatentHealth(klPerDimension: [1, 1], activity: [0.5, 0.2]).state == .healthy)
    }
}
