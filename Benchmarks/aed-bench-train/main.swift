// aed-bench-train: training throughput of the detectors' layer stack (TrainableStack on the
// tensor engine) beside the PyTorch peer.
// Build and run (from the repository root, shared/ beside the repo):
//   swift build -c release --product aed-bench-train && .build/release/aed-bench-train
import BenchSupport
import Detectors
import Foundation
import Tensor

BLASKernel.ensureCapableKernel(arguments: CommandLine.arguments)

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// The 1, 5 and 15 minute load averages of the machine.
func loadAverage() -> [Double] {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
    return text.split(separator: " ").prefix(3).compactMap { Double($0) }
}

func runBenchmark() throws {
    let options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    BLAS.setThreadCount(1)
    let (data, path) = try Dataset.load(options)
    let d = options.dimensions
    print("aed-bench-train: AE \(d)-64-16-64-\(d), ReLU, MSE, Adam \(options.learningRate), batch \(options.batchSize), "
        + "\(data.shape[0]) samples x \(options.epochs) epochs, \(options.repeats) repeats, 1 BLAS thread")
    let blas = BLASKernel.summary
    let loadBefore = loadAverage()
    print("BLAS: \(blas.detailedDescription); load average \(loadBefore)")

    // sgemm ceiling of this machine, one thread.
    let square = GemmProbe.gigaflops(m: 512, k: 512, n: 512)
    let layerShapes = [(256, d, 64), (256, 64, 16), (256, 16, 64), (256, 64, d)]
    let layerGflops = layerShapes.map { GemmProbe.gigaflops(m: $0.0, k: $0.1, n: $0.2, minimumFlops: 5e8) }
    print("sgemm 1 thread: 512x512x512 \(format(square)) GFLOP/s; AE layer shapes "
        + zip(layerShapes, layerGflops).map { "\($0.0.0)x\($0.0.1)x\($0.0.2) \(format($0.1))" }.joined(separator: ", "))

    // Ours: untimed warm-up, then the timed runs.
    _ = try TrainingRun.run(
        data: data.gatheringRows(0..<min(4096, data.shape[0])), epochs: 1,
        batchSize: options.batchSize, learningRate: options.learningRate, seed: options.seed)
    var runs: [TrainingRun] = []
    for r in 0..<options.repeats {
        let run = try TrainingRun.run(
            data: data, epochs: options.epochs, batchSize: options.batchSize,
            learningRate: options.learningRate, seed: options.seed)
        runs.append(run)
        FileHandle.standardError.write(Data(
            "aed rep=\(r): \(Int(run.samplesPerSecond)) samples/s, \(format(run.seconds, 3)) s, final loss \(run.finalLoss)\n".utf8))
    }
    let ours = median(runs.map(\.samplesPerSecond))
    let flopsPerSample = Double(TrainingRun.matmulFlopsPerSample(dimensions: d))
    let achieved = ours * flopsPerSample / 1e9
    print("aed   : \(Int(ours)) samples/s (median), final loss \(runs.last?.finalLoss ?? .nan)")
    print("        matmul work \(Int(flopsPerSample)) FLOP/sample -> \(format(achieved)) GFLOP/s = "
        + "\(format(100 * achieved / square))% of 512^3 sgemm, "
        + "\(format(100 * achieved / (layerGflops.reduce(0, +) / Double(layerGflops.count))))% of AE-shape sgemm")

    // Scoring (no graph) with the trained model's architecture, for reference.
    var scoringRng = Xoshiro256StarStar(seed: options.seed)
    let scorer = TrainingRun.autoencoder(dimensions: d, using: &scoringRng)
    var scoring: [String: Int] = [:]
    for batchSize in [1, 64, 1024] {
        let rate = ScoringProbe.vectorsPerSecond(model: scorer, data: data, batchSize: batchSize, vectors: 200_000)
        scoring["batch_\(batchSize)"] = Int(rate)
    }
    print("score : reconstruction error, vectors/s at batch 1 / 64 / 1024: "
        + [1, 64, 1024].map { String(scoring["batch_\($0)"] ?? 0) }.joined(separator: " / "))

    var result: [String: Any] = [
        "scoring_vectors_per_s": scoring,
        "script": "aed-bench-train", "n": data.shape[0], "dim": d, "epochs": options.epochs,
        "batch": options.batchSize, "threads": 1,
        "samples_per_s_median": Int(ours), "runs": runs.map { ["samples_per_s": Int($0.samplesPerSecond), "wall_s": $0.seconds, "final_loss": Double($0.finalLoss)] },
        "sgemm_gflops_512": square, "sgemm_gflops_ae_shapes": layerGflops,
        "train_matmul_gflops": achieved, "train_fraction_of_sgemm_peak": achieved / square,
        "blas": blas.library, "blas_kernel": blas.kernel, "blas_choice": blas.choice, "cpu": blas.cpuModel,
        "load_average_before": loadBefore,
    ]
    if options.runPeer {
        let peer = try Subprocess.run(options.python, [
            options.benchDirectory + "/peer_train.py", "--data", path, "--dim", String(d),
            "--epochs", String(options.epochs), "--batch", String(options.batchSize),
            "--lr", String(options.learningRate), "--threads", "1", "--models", "ae",
            "--repeats", String(options.repeats), "--seed", String(options.seed),
        ])
        guard peer.status == 0,
            let line = peer.output.split(separator: "\n").last,
            let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let results = json["results"] as? [[String: Any]],
            let torch = results.first(where: { ($0["impl"] as? String) == "torch" }),
            let theirs = (torch["samples_per_s_median"] as? NSNumber)?.doubleValue
        else {
            // Keep our figures, say why there is no ratio, and fail the run.
            result["torch_error"] = "peer_train.py failed (exit \(peer.status))"
            let encoded = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: encoded, as: UTF8.self))
            throw BenchmarkError.peer(
                "peer_train.py failed (exit \(peer.status)); is torch installed? "
                    + "(pip install -r \(options.benchDirectory)/requirements.txt), or pass --no-peer")
        }
        let version = json["torch"] as? String ?? "?"
        print("torch : \(Int(theirs)) samples/s (median, torch \(version), 1 thread), final loss \(torch["final_loss"] ?? "?")")
        print("ratio : aed / torch = \(format(ours / theirs, 2))x (goal >= 2x)")
        result["torch_samples_per_s_median"] = Int(theirs)
        result["torch_version"] = version
        result["ratio_vs_torch"] = ours / theirs
    } else {
        print("torch : not run (--no-peer)")
    }
    let loadAfter = loadAverage()
    print("load average before \(loadBefore), after \(loadAfter)")
    result["load_average_after"] = loadAfter
    let encoded = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: encoded, as: UTF8.self))
}

do {
    try runBenchmark()
} catch let error as BenchmarkError {
    if case .help = error {
        print(error.description)
        exit(0)
    }
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("aed-bench-train: \(error)\n".utf8))
    exit(1)
}
