// aed-bench-store: the store's speed on this machine (run a release build).
//
// Usage: aed-bench-store [DIRECTORY]   (a scratch directory; default: a new temporary one)
// 1. Alerts committed per second in batched transactions (synchronous = FULL, one fsync per
//    batch) for several batch sizes.
// 2. Model save (promoteModel: model + threshold + activation in one transaction) and load
//    (model(id:) and activeModels(stream:), checksum verified) for a 38-feature AE and VAE.
//    The Store does not depend on the tensor engine, so the weight blob is random Float32 data
//    of exactly the parameter count of those architectures plus a per-tensor name header, the
//    size the engine's checkpoint has; the store treats it as opaque bytes either way.
import Alerts
import Foundation
import Store
import Tensor

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("aed-bench-store: \(message)\n".utf8))
    exit(1)
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

/// Parameters of dense layers `sizes[0] -> sizes[1] -> ...` (weights and biases).
func denseParameters(_ sizes: [Int]) -> Int {
    zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
}

func checkpointLikeBlob(parameters: Int, tensors: Int, seed: UInt64) -> Data {
    var generator = SplitMix64(seed: seed)
    var data = Data(capacity: parameters * 4 + tensors * 48)
    data.append(contentsOf: Array(repeating: UInt8(0x41), count: tensors * 48))
    for _ in 0..<parameters {
        var bits = Float(Double(generator.next() >> 11) * 0x1p-53 - 0.5).bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
    }
    return data
}

let directory: URL
if CommandLine.arguments.count > 1 {
    directory = URL(fileURLWithPath: CommandLine.arguments[1], isDirectory: true)
} else {
    directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("aed-bench-store-\(UUID().uuidString)", isDirectory: true)
}

do {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let clock = ContinuousClock()
    let features = (0..<5).map { FeatureContribution(feature: $0 * 7, share: 0.2 - Double($0) * 0.01) }

    var queryTimes: [(Duration, Duration)] = []
    say("## Alerts committed per second (synchronous = FULL, WAL)")
    say("| batch size | alerts | seconds | alerts/s |")
    say("|---:|---:|---:|---:|")
    for batchSize in [100, 1_000, 10_000] {
        let path = directory.appendingPathComponent("alerts-\(batchSize).db").path
        let store = try Store.open(path: path)
        try store.upsertStream(name: "bench", dimension: 38)
        let total = 200_000
        let batches = (0..<(total / batchSize)).map { batch in
            (0..<batchSize).map { index in
                let time = 1.7e9 + Double(batch * batchSize + index) * 0.001
                return Alert(
                    stream: "bench", vectorTime: time, receiveTime: time, detector: "ae",
                    anomalyScore: 3.0 + Double(index % 17), threshold: 2.5, modelVersion: 1,
                    topFeatures: features)
            }
        }
        let elapsed = try clock.measure {
            for batch in batches { try store.recordAlerts(batch) }
        }
        var count = 0
        let counting = try clock.measure { count = try store.alertCounts().first?.count ?? 0 }
        guard count == total else { fail("stored \(count) alerts, expected \(total)") }
        let newest = try clock.measure { _ = try store.alerts(stream: "bench", since: 1.7e9, limit: 100) }
        queryTimes.append((counting, newest))
        try store.close()
        let time = seconds(elapsed)
        say(String(format: "| %d | %d | %.3f | %.0f |", batchSize, total, time, Double(total) / time))
    }
    say("")
    say("## Queries over 200 000 alerts (last run)")
    if let (counting, newest) = queryTimes.last {
        say(String(format: "alertCounts(): %.1f ms; alerts(stream:since:limit: 100): %.2f ms",
                   seconds(counting) * 1e3, seconds(newest) * 1e3))
    }

    say("")
    say("## Model save and load, 38 features (median of 50)")
    say("| model | parameters | blob bytes | save ms | load ms (model(id:)) | load ms (activeModels) |")
    say("|---|---:|---:|---:|---:|---:|")
    // AE: 38 -> 32 -> 16 -> 8 (latent) -> 16 -> 32 -> 38.
    // VAE: 38 -> 32 -> 16 -> (mean 8, logVariance 8) -> 16 -> 32 -> 38.
    let architectures: [(String, Int, Int)] = [
        ("ae", denseParameters([38, 32, 16, 8, 16, 32, 38]), 12),
        ("vae", denseParameters([38, 32, 16]) + 2 * denseParameters([16, 8])
            + denseParameters([8, 16, 32, 38]), 14),
    ]
    let path = directory.appendingPathComponent("models.db").path
    let store = try Store.open(path: path)
    try store.upsertStream(name: "bench", dimension: 38)
    for (detector, parameters, tensors) in architectures {
        let weights = checkpointLikeBlob(parameters: parameters, tensors: tensors, seed: 7)
        let scaler = checkpointLikeBlob(parameters: 2 * 38, tensors: 2, seed: 8)
        let configuration = Data(#"{"hiddenDimensions":[32,16],"latentDimensions":8,"epochs":50}"#.utf8)
        var saves: [Double] = []
        var loads: [Double] = []
        var activeLoads: [Double] = []
        for repetition in 0..<50 {
            let model = NewModel(
                stream: "bench", detector: detector, created: 1.7e9 + Double(repetition),
                configuration: configuration, scaler: scaler, weights: weights, seed: 42,
                trainLoss: 0.1, validationLoss: 0.12)
            let threshold = NewThreshold(
                method: "quantile", targetFalsePositiveRate: 0.001, value: 3.2,
                calibrationSamples: 2000, created: 1.7e9)
            var record: ModelRecord?
            saves.append(seconds(try clock.measure {
                record = try store.promoteModel(model, threshold: threshold)
            }))
            guard let id = record?.id else { fail("promotion returned nothing") }
            var loaded: ModelRecord?
            loads.append(seconds(try clock.measure { loaded = try store.model(id: id) }))
            guard loaded?.weights == weights else { fail("weights did not round-trip") }
            activeLoads.append(seconds(try clock.measure {
                _ = try store.activeModels(stream: "bench")
            }))
        }
        say(String(
            format: "| %@ | %d | %d | %.3f | %.3f | %.3f |", detector, parameters, weights.count,
            median(saves) * 1e3, median(loads) * 1e3, median(activeLoads) * 1e3))
    }
    try store.close()
    if CommandLine.arguments.count <= 1 {
        try FileManager.default.removeItem(at: directory)
    }
} catch {
    fail("\(error)")
}
