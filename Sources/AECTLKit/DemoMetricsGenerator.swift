import Foundation
import Tensor

/// A deterministic generator of realistic server metrics with injected anomaly episodes.
///
/// Each sample is one minute (by default) of a simulated server: a request rate with a daily
/// cycle (a sum of two harmonics peaking in the afternoon) and slow noise (AR(1)) drives
/// correlated CPU, load, memory, disk and network metrics, each with its own measurement noise.
/// After `normalSamples` vectors, anomaly episodes of 5-40 samples start at random:
/// - `spike`: a few features jump by several standard deviations;
/// - `levelShift`: memory and I/O wait settle at a new level (a leak, a degraded disk);
/// - `correlationBreak`: network traffic stops following the request rate while CPU does
///   (e.g. a retry storm), each feature staying inside its normal range.
/// The same seed gives the same sequence, bit for bit.
public struct DemoMetricsGenerator: Sendable {
    /// The kinds of injected anomalies.
    public enum AnomalyKind: String, Sendable, CaseIterable {
        case spike, levelShift = "level-shift", correlationBreak = "correlation-break"
    }

    /// One generated vector.
    public struct Sample: Sendable {
        /// The metric values, in the order of `featureNames`.
        public var values: [Float]
        /// Simulated time, seconds since the Unix epoch.
        public var timestamp: Double
        /// The anomaly being injected, or `nil` for a normal sample.
        public var anomaly: AnomalyKind?
    }

    /// The metric names, one per feature.
    public static let featureNames = [
        "cpu_user", "cpu_system", "cpu_iowait", "load_1m", "mem_used", "mem_cache",
        "disk_read_mb", "disk_write_mb", "disk_util", "net_rx_mb", "net_tx_mb", "tcp_connections",
    ]

    /// Samples generated without anomalies before episodes may start (the training period).
    public let normalSamples: Int
    /// Probability that an episode starts at a normal sample after `normalSamples`.
    public let episodeStartProbability: Double
    /// Simulated seconds between samples.
    public let secondsPerSample: Double

    private var random: SplitMix64
    private var index = 0
    private var startTime: Double
    private var slowNoise = 0.0
    private var memoryDrift = 0.0
    private var episode: (kind: AnomalyKind, remaining: Int, features: [Int], magnitude: Double)?

    /// A generator.
    /// - Parameters:
    ///   - seed: makes the sequence reproducible.
    ///   - normalSamples: leading samples without anomalies.
    ///   - anomalyFraction: the approximate share of anomalous samples afterwards, in [0, 0.5].
    ///   - secondsPerSample: simulated seconds per sample (60 = one per minute, 1440 a day).
    ///   - startTime: the first timestamp, seconds since the Unix epoch.
    public init(
        seed: UInt64, normalSamples: Int = 0, anomalyFraction: Double = 0.02,
        secondsPerSample: Double = 60, startTime: Double = 1_767_225_600
    ) {
        random = SplitMix64(seed: seed)
        self.normalSamples = normalSamples
        // Mean episode length is about 22 samples: p = f / (22 (1 - f)).
        let fraction = min(max(anomalyFraction, 0), 0.5)
        episodeStartProbability = fraction / (22 * (1 - fraction))
        self.secondsPerSample = secondsPerSample
        self.startTime = startTime
    }

    /// The next sample.
    public mutating func next() -> Sample {
        let t = Double(index) * secondsPerSample
        let timestamp = startTime + t
        index += 1
        let day = 86_400.0
        let phase = 2 * Double.pi * t / day
        // Request rate (requests/s): daily cycle peaking mid-afternoon, a second harmonic, slow noise.
        slowNoise = 0.97 * slowNoise + 0.03 * random.normal() * 4
        var requests = 400 + 250 * sin(phase - 2.0) + 60 * sin(2 * phase + 0.5) + 25 * slowNoise
        requests = max(requests, 20)
        memoryDrift = 0.999 * memoryDrift + 0.001 * random.normal() * 10

        if episode == nil, index > normalSamples, random.uniform() < episodeStartProbability {
            let kind = AnomalyKind.allCases[Int(random.uniform() * 3) % 3]
            let length = 5 + Int(random.uniform() * 35)
            let count = 1 + Int(random.uniform() * 3)
            var features: [Int] = []
            while features.count < count {
                let f = Int(random.uniform() * Double(Self.featureNames.count)) % Self.featureNames.count
                if !features.contains(f) { features.append(f) }
            }
            episode = (kind, length, features, 4 + random.uniform() * 6)
        }

        var trafficRequests = requests
        if let current = episode, current.kind == .correlationBreak {
            // Network follows a very different rate than the one CPU sees.
            trafficRequests = max(20, 1050 - requests)
        }
        let cpuUser = 5 + 0.11 * requests + random.normal() * 2.0
        let cpuSystem = 2 + 0.03 * requests + random.normal() * 0.8
        var cpuIowait = 1.5 + 0.004 * requests + abs(random.normal()) * 0.6
        let load = 0.2 + 0.006 * requests + random.normal() * 0.15
        var memUsed = 8_000 + 4 * requests + memoryDrift * 20 + random.normal() * 60
        let memCache = 3_000 + 1.5 * requests + random.normal() * 50
        let diskRead = 5 + 0.02 * requests + abs(random.normal()) * 1.5
        let diskWrite = 8 + 0.05 * trafficRequests + abs(random.normal()) * 2
        let diskUtil = min(100, 3 + 0.06 * requests + random.normal() * 1.2)
        let netRx = 2 + 0.09 * trafficRequests + random.normal() * 1.5
        let netTx = 4 + 0.22 * trafficRequests + random.normal() * 3
        let connections = 50 + 1.8 * trafficRequests + random.normal() * 15

        var values = [
            cpuUser, cpuSystem, cpuIowait, load, memUsed, memCache,
            diskRead, diskWrite, diskUtil, netRx, netTx, connections,
        ]
        var label: AnomalyKind?
        if var current = episode {
            label = current.kind
            switch current.kind {
            case .spike:
                for f in current.features {
                    values[f] += current.magnitude * Self.noiseScale[f] * (1 + random.uniform())
                }
            case .levelShift:
                memUsed += current.magnitude * 200
                cpuIowait += current.magnitude * 2
                values[4] = memUsed
                values[2] = cpuIowait
            case .correlationBreak:
                break
            }
            current.remaining -= 1
            episode = current.remaining > 0 ? current : nil
        }
        return Sample(values: values.map { Float($0) }, timestamp: timestamp, anomaly: label)
    }

    /// A typical spread of each feature, used to size spikes.
    private static let noiseScale: [Double] = [8, 2.5, 1.5, 0.5, 300, 150, 3, 5, 4, 8, 18, 120]
}

extension SplitMix64 {
    /// Uniform in [0, 1), from the top 53 bits (the demo's series since its first version).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal, by Box-Muller over `uniform()`.
    mutating func normal() -> Double {
        let u1 = max(uniform(), .leastNonzeroMagnitude)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
