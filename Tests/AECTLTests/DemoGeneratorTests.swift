import Foundation
import Testing

@testable import AECTLKit

@Suite struct DemoGeneratorTests {
    @Test func sameSeedSameSequence() {
        var a = DemoMetricsGenerator(seed: 7, normalSamples: 10, anomalyFraction: 0.1)
        var b = DemoMetricsGenerator(seed: 7, normalSamples: 10, anomalyFraction: 0.1)
        for _ in 0..<500 {
            let x = a.next()
            let y = b.next()
            #expect(x.values == y.values)
            #expect(x.anomaly == y.anomaly)
        }
        var c = DemoMetricsGenerator(seed: 8)
        var d = DemoMetricsGenerator(seed: 7)
        #expect(c.next().values != d.next().values)
    }

    @Test func normalPeriodHasNoAnomaliesThenEpisodesAppear() {
        var generator = DemoMetricsGenerator(seed: 1, normalSamples: 2000, anomalyFraction: 0.05)
        var anomalies = 0
        var kinds = Set<String>()
        for i in 0..<20_000 {
            let sample = generator.next()
            #expect(sample.values.count == DemoMetricsGenerator.featureNames.count)
            #expect(sample.values.allSatisfy { $0.isFinite })
            if let kind = sample.anomaly {
                #expect(i >= 2000)
                anomalies += 1
                kinds.insert(kind.rawValue)
            }
        }
        let fraction = Double(anomalies) / 18_000
        #expect(fraction > 0.02 && fraction < 0.1)
        #expect(kinds.count == 3)
    }

    @Test func dailyCycleAndCorrelation() {
        // CPU follows the request rate: it is higher at the daily peak than in the trough,
        // and network receive traffic correlates with CPU in normal data.
        var generator = DemoMetricsGenerator(seed: 3)
        var cpu: [Double] = []
        var net: [Double] = []
        for _ in 0..<1440 {
            let sample = generator.next()
            cpu.append(Double(sample.values[0]))
            net.append(Double(sample.values[9]))
        }
        let meanCPU = cpu.reduce(0, +) / Double(cpu.count)
        let meanNet = net.reduce(0, +) / Double(net.count)
        var covariance = 0.0, varCPU = 0.0, varNet = 0.0
        for i in 0..<cpu.count {
            covariance += (cpu[i] - meanCPU) * (net[i] - meanNet)
            varCPU += (cpu[i] - meanCPU) * (cpu[i] - meanCPU)
            varNet += (net[i] - meanNet) * (net[i] - meanNet)
        }
        let correlation = covariance / (varCPU * varNet).squareRoot()
        #expect(correlation > 0.9)
        #expect((cpu.max() ?? 0) - (cpu.min() ?? 0) > 40)
    }
}
