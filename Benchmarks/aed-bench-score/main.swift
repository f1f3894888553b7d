// aed-bench-score: scoring (and VAE training) throughput of aed's detectors beside the PyTorch
// peer, measured in the same run on the same vectors.
// Build and run (from the repository root, shared/ beside the repo):
//   swift build -c release --product aed-bench-score && .build/release/aed-bench-score
import Detectors
import BenchSupport
import Foundation
import Tensor

BLASKernel.ensureCapableKernel(arguments: CommandLine.arguments)

func format(_ value: Double, _ digits: Int = 0) -> String {
    value.isFinite ? String(format: "%.\(digits)f", value) : "-"
}

func grouped(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    let digits = String(Int(value.rounded()))
    var out = ""
    for (index, character) in digits.reversed().enumerated() {
        if index > 0 && index % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return String(out.reversed())
}

func note(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

/// The 1, 5 and 15 minute load averages of the machine.
func loadAverage() -> [Double] {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
    return text.split(separator: " ").prefix(3).compactMap { Double($0) }
}

func runBenchmark() throws {
    let options = try ScoreBenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    BLAS.setThreadCount(1)
    let work = options.workDirectory ?? (FileManager.default.temporaryDirectory.path + "/aed-bench")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    let d = options.dimensions
    let loadBefore = loadAverage()
    let file = try VectorFile.generated(samples: options.samples, dimensions: d, seed: options.seed, directory: work, options: options)
    let models = try ReferenceModels.fit(file, importanceSamples: options.importanceSamples, seed: options.seed)
    let scorers = [
        Scorer.autoencoder(models.autoencoder, dimensions: d),
        Scorer.negativeELBO(models.elboVAE, dimensions: d),
        Scorer.importanceWeighted(models.importanceVAE, k: options.importanceSamples, dimensions: d),
    ].filter { options.scorerNames?.contains($0.name) ?? true }
    print("aed-bench-score: D = \(d), \(file.samples) vectors, batches \(options.batchSizes), 1 BLAS thread, "
        + "\(options.repeats) x \(options.minimumSeconds) s per case, load average \(loadBefore)")
    let blas = BLASKernel.summary
    print("BLAS: \(blas.detailedDescription)")

    // aed scoring.
    var ours: [String: [Int: [Double]]] = [:]
    for scorer in scorers {
        for batch in options.batchSizes {
            let runs = (0..<options.repeats).map { _ in
                Throughput.vectorsPerSecond(scorer, file: file, batchSize: batch, minimumSeconds: options.minimumSeconds)
            }
            ours[scorer.name, default: [:]][batch] = runs
            note("aed \(scorer.name) batch=\(batch): \(runs.map { Int($0) }) vec/s")
        }
    }
    // The peer on the same file.
    var peer: [String: [Int: Double]] = [:]
    var torchVersion = "-"
    if options.runPeer {
        (peer, torchVersion) = try Peer.scoring(
            file: file, batchSizes: options.batchSizes, importanceSamples: options.importanceSamples, options: options)
    }
    // The sgemm ceiling of the AE forward pass at the largest batch.
    let largest = options.batchSizes.max() ?? 1024
    let peak = GemmProbe.gigaflops(m: 512, k: 512, n: 512, minimumFlops: 4e9)
    let limit = GemmLimit.autoencoderLimit(dimensions: d, batchSize: largest)
    let aeFlops = Double(Scorer.autoencoder(models.autoencoder, dimensions: d).flopsPerVector)

    var table: [[String: Any]] = []
    print("")
    print("| scorer | batch | aed vectors/s | torch vectors/s | aed / torch | aed GFLOP/s |")
    print("|---|---|---|---|---|---|")
    for scorer in scorers {
        for batch in options.batchSizes {
            let mine = Throughput.median(ours[scorer.name]?[batch] ?? [])
            let theirs = peer[scorer.name]?[batch] ?? .nan
            let gflops = mine * Double(scorer.flopsPerVector) / 1e9
            print("| \(scorer.name) | \(batch) | \(grouped(mine)) | \(grouped(theirs)) | \(format(mine / theirs, 2))x | \(format(gflops, 1)) |")
            var row: [String: Any] = [
                "scorer": scorer.name, "batch": batch, "aed_vectors_per_s": Int(mine),
                "aed_runs": (ours[scorer.name]?[batch] ?? []).map { Int($0) }, "flops_per_vector": scorer.flopsPerVector,
                "aed_gflops": gflops,
            ]
            if theirs.isFinite {
                row["torch_vectors_per_s"] = Int(theirs)
                row["ratio_vs_torch"] = mine / theirs
            }
            table.append(row)
        }
    }
    let aeLargest = Throughput.median(ours["ae"]?[largest] ?? [])
    let peakLimit = peak * 1e9 / aeFlops
    print("")
    print("sgemm 1 thread: 512^3 \(format(peak, 1)) GFLOP/s -> AE limit \(grouped(peakLimit)) vectors/s "
        + "(\(grouped(aeFlops)) FLOP a vector); at the AE's own shapes with batch \(largest): "
        + limit.layerGigaflops.map { format($0, 1) }.joined(separator: " / ") + " GFLOP/s -> \(grouped(limit.vectorsPerSecond)) vectors/s")
    print("AE at batch \(largest): \(grouped(aeLargest)) vectors/s = \(format(100 * aeLargest / peakLimit, 1))% of the 512^3 limit, "
        + "\(format(100 * aeLargest / limit.vectorsPerSecond, 1))% of the same-shape limit (goal >= 70%)")

    // Cost growth with the dimension (aed only), batch 1 and the largest batch.
    var sweep: [[String: Any]] = []
    if !options.sweepDimensions.isEmpty {
        print("")
        print("| D | scorer | batch 1 vectors/s | batch 1 ns/vector | batch \(largest) vectors/s | batch \(largest) ns/vector |")
        print("|---|---|---|---|---|---|")
        for sweepD in options.sweepDimensions {
            let sweepFile = sweepD == d
                ? file
                : try VectorFile.generated(
                    samples: min(options.samples, 50_000), dimensions: sweepD, seed: options.seed, directory: work, options: options)
            let sweepModels = sweepD == d ? models : try ReferenceModels.fit(sweepFile, importanceSamples: options.importanceSamples, seed: options.seed)
            for scorer in [
                Scorer.autoencoder(sweepModels.autoencoder, dimensions: sweepD),
                Scorer.importanceWeighted(sweepModels.importanceVAE, k: options.importanceSamples, dimensions: sweepD),
            ] {
                let single = Throughput.median((0..<options.repeats).map { _ in
                    Throughput.vectorsPerSecond(scorer, file: sweepFile, batchSize: 1, minimumSeconds: options.minimumSeconds / 2)
                })
                let batched = Throughput.median((0..<options.repeats).map { _ in
                    Throughput.vectorsPerSecond(scorer, file: sweepFile, batchSize: largest, minimumSeconds: options.minimumSeconds / 2)
                })
                print("| \(sweepD) | \(scorer.name) | \(grouped(single)) | \(format(1e9 / single)) | \(grouped(batched)) | \(format(1e9 / batched)) |")
                sweep.append([
                    "dim": sweepD, "scorer": scorer.name, "batch_1_vectors_per_s": Int(single),
                    "batch_\(largest)_vectors_per_s": Int(batched), "flops_per_vector": scorer.flopsPerVector,
                ])
            }
        }
    }

    // Training through the daemon's fit path beside the peer's torch loop.
    var training: [String: Any] = [:]
    if options.trainingEpochs > 0 {
        var aedTraining: [String: Double] = [:]
        for kind in [DetectorKind.autoencoder, .variationalAutoencoder] {
            aedTraining[kind.rawValue] = try TrainingProbe.samplesPerSecond(
                kind: kind, file: file, epochs: options.trainingEpochs, repeats: options.repeats, seed: options.seed)
            note("aed fit \(kind.rawValue): \(Int(aedTraining[kind.rawValue] ?? 0)) samples/s")
        }
        let peerTraining = options.runPeer ? try Peer.training(file: file, epochs: options.trainingEpochs, options: options) : [:]
        print("")
        print("| training (batch 256, \(options.trainingEpochs) epochs, 1 thread) | aed samples/s | torch samples/s | aed / torch |")
        print("|---|---|---|---|")
        for model in ["ae", "vae"] {
            let mine = aedTraining[model] ?? .nan
            let theirs = peerTraining[model] ?? .nan
            print("| \(model) (DetectorFactory.fit) | \(grouped(mine)) | \(grouped(theirs)) | \(format(mine / theirs, 2))x |")
            var row: [String: Any] = ["aed_samples_per_s": Int(mine)]
            if theirs.isFinite {
                row["torch_samples_per_s"] = Int(theirs)
                row["ratio_vs_torch"] = mine / theirs
            }
            training[model] = row
        }
    }

    let loadAfter = loadAverage()
    print("")
    print("load average before \(loadBefore), after \(loadAfter); \(blas)")
    var result: [String: Any] = [
        "script": "aed-bench-score", "dim": d, "n": file.samples, "threads": 1, "repeats": options.repeats,
        "min_time_s": options.minimumSeconds, "importance_samples": options.importanceSamples,
        "load_average_before": loadBefore, "load_average_after": loadAfter, "torch": torchVersion,
        "blas": blas.library, "blas_kernel": blas.kernel, "blas_choice": blas.choice, "cpu": blas.cpuModel,
        "scoring": table, "sweep": sweep, "training": training,
        "sgemm": [
            "gflops_512": peak, "ae_limit_vectors_per_s": peakLimit,
            "ae_shape_gflops_batch_\(largest)": limit.layerGigaflops,
            "ae_shape_limit_vectors_per_s": limit.vectorsPerSecond,
            "ae_batch_\(largest)_fraction_of_limit": aeLargest / peakLimit,
            "ae_batch_\(largest)_fraction_of_shape_limit": aeLargest / limit.vectorsPerSecond,
        ],
    ]
    result["peer"] = options.runPeer
    let encoded = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    if let path = options.jsonPath {
        try encoded.write(to: URL(fileURLWithPath: path))
    }
    print(String(decoding: encoded, as: UTF8.self))
}

do {
    if CommandLine.arguments.dropFirst().first == "zmq-sink" {
        try ZeroMQSink.run(arguments: Array(CommandLine.arguments.dropFirst(2)))
    } else {
        try runBenchmark()
    }
} catch let error as ScoreBenchError {
    if case .help = error {
        print(error.description)
        exit(0)
    }
    note(error.description)
    exit(2)
} catch {
    note("aed-bench-score: \(error)")
    exit(1)
}
