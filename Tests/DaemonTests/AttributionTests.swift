import Detectors
import Foundation
import Tensor
import Testing
import Wire

/// A vector normal except in one feature alerts with that feature on top, for the AE and the VAE.
@Suite(.serialized, .timeLimit(.minutes(10))) struct AttributionTests {
    /// 12 correlated features driven by 3 factors, plus a little noise: an autoencoder learns
    /// to pass large inputs through, which is what misleads per-feature reconstruction error.
    static func lowRank(count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        let mixing = (0..<(12 * 3)).map { _ in generator.nextGaussian() }
        var values: [Float] = []
        for _ in 0..<count {
            let factors = (0..<3).map { _ in generator.nextGaussian() }
            for j in 0..<12 {
                let signal = (0..<3).reduce(0.0) { $0 + mixing[j * 3 + $1] * factors[$1] }
                values.append(Float(signal + 0.05 * generator.nextGaussian()))
            }
        }
        return values
    }

    @Test func anAlertNamesTheOneFeatureThatMoved() throws {
        let harness = try DaemonHarness(toml: smallModelTOML(detectors: "[\"ae\", \"vae\"]"))
        defer { harness.removeState() }
        let normal = Self.lowRank(count: 701, seed: 51)
        try harness.publish(stream: "s", values: Array(normal.prefix(700 * 12)), dimension: 12)
        try harness.waitForStatus { $0.streams.first?.models.count == 2 && $0.streams.first?.state == .scoring }
        // Feature 7 of a normal vector, 100 training standard deviations off.
        let column = stride(from: 7, to: normal.count, by: 12).map { Double(normal[$0]) }
        let mean = column.reduce(0, +) / Double(column.count)
        let sigma = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
        var probe = Array(normal.suffix(12))
        probe[7] += Float(100 * sigma)
        try harness.publish(stream: "s", values: probe, dimension: 12)
        try waitUntil(timeout: 20, "both detectors' alerts stored") {
            let alerts = (try? harness.client.alerts(stream: "s", since: nil, limit: 100).alerts) ?? []
            return Set(alerts.map(\.detector)) == ["ae", "vae"]
        }
        let alerts = try harness.client.alerts(stream: "s", since: nil, limit: 100).alerts
        for detector in ["ae", "vae"] {
            let alert = try #require(alerts.last { $0.detector == detector })
            #expect(alert.topFeatures.first?.feature == 7, "\(detector): \(alert.topFeatures)")
            #expect((alert.topFeatures.first?.share ?? 0) > 0.5, "\(detector): \(alert.topFeatures)")
        }
        harness.stop()
    }
}
