import ArgumentParser
import Foundation
import Wire

/// `aectl demo`: publishes simulated server metrics with injected anomaly episodes.
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Publish realistic server metrics (CPU, memory, disk, network) with injected anomalies.",
        discussion: """
            The first --normal vectors are anomaly-free (aed trains on them); after that, spike, \
            level-shift and correlation-break episodes are injected. One vector is one simulated \
            minute. The same --seed gives the same data.
            """)

    @Option(help: "The endpoint aed's ingest SUB binds.")
    public var endpoint: String = "tcp://127.0.0.1:7600"
    @Option(help: "The stream name.")
    public var stream: String = "demo.server-1"
    @Option(help: "Vectors to publish.")
    public var count: Int = 6_000
    @Option(help: "Leading vectors without anomalies.")
    public var normal: Int = 3_000
    @Option(name: .customLong("anomaly-fraction"), help: "Approximate share of anomalous vectors after the normal period.")
    public var anomalyFraction: Double = 0.03
    @Option(help: "Seed of the generator.")
    public var seed: UInt64 = 1
    @Option(help: "Vectors per second; omit for as fast as aed takes them.")
    public var rate: Double?
    @Option(help: "Vectors per message.")
    public var batch: Int = 10
    @Option(help: "Write the ground-truth labels here (one 0/1 per vector, no header).")
    public var labels: String?

    public init() {}

    public func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard normal >= 0 else { throw ValidationError("--normal must be >= 0") }
        guard (0...0.5).contains(anomalyFraction) else { throw ValidationError("--anomaly-fraction must be in [0, 0.5]") }
        guard batch >= 1 else { throw ValidationError("--batch must be >= 1") }
        guard StreamName.isValid(stream) else { throw ValidationError("--stream: 1-128 bytes of [A-Za-z0-9._:/-]") }
    }

    /// The generated vectors (`[count, features]`) and their labels (0 normal, 1 anomalous).
    public static func generate(count: Int, normal: Int, anomalyFraction: Double, seed: UInt64)
        -> (values: [Float], labels: [UInt8], kinds: [String: Int])
    {
        var generator = DemoMetricsGenerator(seed: seed, normalSamples: normal, anomalyFraction: anomalyFraction)
        var values: [Float] = []
        values.reserveCapacity(count * DemoMetricsGenerator.featureNames.count)
        var labels: [UInt8] = []
        var kinds: [String: Int] = [:]
        for _ in 0..<count {
            let sample = generator.next()
            values.append(contentsOf: sample.values)
            labels.append(sample.anomaly == nil ? 0 : 1)
            if let kind = sample.anomaly { kinds[kind.rawValue, default: 0] += 1 }
        }
        return (values, labels, kinds)
    }

    public func run() throws {
        let (values, truth, kinds) = Self.generate(count: count, normal: normal, anomalyFraction: anomalyFraction, seed: seed)
        if let labels {
            let text = truth.map { String($0) }.joined(separator: "\n") + "\n"
            do {
                try text.write(toFile: labels, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("aectl demo: cannot write \(labels): \(error.localizedDescription)")
            }
        }
        let options = PublishOptions(endpoint: endpoint, stream: stream, batch: batch, rate: rate)
        let report: PublishReport
        do {
            report = try Publisher.publish(values: values, dimension: DemoMetricsGenerator.featureNames.count, options: options)
        } catch {
            throw CommandFailure("aectl demo: \(error)")
        }
        let anomalous = truth.reduce(0) { $0 + Int($1) }
        let breakdown = kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        printOut(
            "demo: published \(report.vectors) vectors of \(DemoMetricsGenerator.featureNames.count) metrics to \(stream) at \(report.endpoint) "
                + String(format: "(%.0f vectors/s)", report.vectorsPerSecond)
                + "; \(anomalous) anomalous" + (breakdown.isEmpty ? "" : " (\(breakdown))") + "\n")
    }
}
