/// Command-line options of `aed-bench-score`.
struct ScoreBenchOptions {
    /// Vectors in the generated data set (`gen_vectors.py --n`).
    var samples = 100_000
    /// Features per vector at which the peer is compared.
    var dimensions = 38
    /// Batch sizes (vectors per `anomalyScores` call).
    var batchSizes = [1, 64, 1024]
    /// Importance samples `K` of the VAE's likelihood estimate.
    var importanceSamples = 16
    /// Seconds of scoring per measurement (the peer's `--min-time`).
    var minimumSeconds = 1.0
    /// Measurements per case; the median is reported.
    var repeats = 3
    /// Dimensions of the cost-growth sweep (aed only); empty skips it.
    var sweepDimensions = [8, 38, 256]
    /// Epochs of the VAE training measurement; 0 skips it.
    var trainingEpochs = 3
    var seed: UInt64 = 0
    var benchDirectory = "../shared/bench"
    var workDirectory: String?
    var runPeer = true
    var python = "python3"
    /// aed scorers to time (`ae`, `vae_elbo1`, `vae_iwae<K>`); nil times all (profiling aid).
    var scorerNames: Set<String>?
    /// Where the JSON result goes besides the last line of standard output.
    var jsonPath: String?

    static let usage = """
        usage: aed-bench-score [--n N] [--dim D] [--batches 1,64,1024] [--k K] [--min-time S]
                               [--repeats R] [--sweep 8,38,256|none] [--train-epochs E]
                               [--seed S] [--bench-dir DIR] [--work-dir DIR] [--no-peer]
                               [--python PYTHON] [--json FILE] [--quick] [--scorers ae,vae_elbo1,...]
               aed-bench-score zmq-sink --endpoint E [--expect N]

        Scores the vectors of DIR/gen_vectors.py with aed's detectors (AE reconstruction error,
        VAE negative ELBO with 1 sample, VAE importance-weighted -log p(x) with K samples) at
        each batch size with one BLAS thread, runs the PyTorch peer DIR/peer_score.py (1 torch
        thread) on the same file in the same run, and prints vectors/s, ratios, the sgemm limit
        of the AE forward pass, the cost growth with the dimension, and VAE training samples/s
        beside DIR/peer_train.py. The last line of standard output is the JSON of the run.
        Run from the repository root; DIR defaults to ../shared/bench. Build with -c release.

        zmq-sink: receives from a publisher at E without decoding or scoring and prints the raw
        ZeroMQ message rate as one JSON line (a daemon for shared/bench/e2e.py).
        """

    /// Parses `arguments` (without the program name).
    /// - Throws: `ScoreBenchError.usage` naming the bad flag or value, `.help` for `--help`.
    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else { throw ScoreBenchError.usage("\(flag) needs a value") }
            return next
        }
        func integer(_ flag: String, allowZero: Bool = false) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number > 0 || (allowZero && number == 0) else {
                throw ScoreBenchError.usage("\(flag) needs a positive integer, got \(text)")
            }
            return number
        }
        func integers(_ flag: String) throws -> [Int] {
            let text = try value(flag)
            if text == "none" { return [] }
            let parts = text.split(separator: ",").map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ScoreBenchError.usage("\(flag) needs positive integers separated by commas, got \(text)")
            }
            return parts.compactMap { $0 }
        }
        while let flag = iterator.next() {
            switch flag {
            case "--n": samples = try integer(flag)
            case "--dim": dimensions = try integer(flag)
            case "--batches":
                batchSizes = try integers(flag)
                guard !batchSizes.isEmpty else { throw ScoreBenchError.usage("--batches needs at least one size") }
            case "--k": importanceSamples = try integer(flag)
            case "--min-time":
                let text = try value(flag)
                guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                    throw ScoreBenchError.usage("--min-time needs positive seconds, got \(text)")
                }
                minimumSeconds = seconds
            case "--repeats": repeats = try integer(flag)
            case "--sweep": sweepDimensions = try integers(flag)
            case "--train-epochs": trainingEpochs = try integer(flag, allowZero: true)
            case "--seed": seed = UInt64(try integer(flag, allowZero: true))
            case "--bench-dir": benchDirectory = try value(flag)
            case "--work-dir": workDirectory = try value(flag)
            case "--python": python = try value(flag)
            case "--json": jsonPath = try value(flag)
            case "--scorers": scorerNames = Set(try value(flag).split(separator: ",").map(String.init))
            case "--no-peer": runPeer = false
            case "--quick":
                minimumSeconds = 0.3
                repeats = 1
                trainingEpochs = min(trainingEpochs, 1)
            case "--help", "-h": throw ScoreBenchError.help
            default: throw ScoreBenchError.usage("unknown argument \(flag)")
            }
        }
    }
}

/// Why the benchmark stopped.
enum ScoreBenchError: Error, CustomStringConvertible {
    case help
    case usage(String)
    case data(String)
    case peer(String)
    case detector(String)

    var description: String {
        switch self {
        case .help: return ScoreBenchOptions.usage
        case .usage(let message): return "aed-bench-score: \(message)\n\n\(ScoreBenchOptions.usage)"
        case .data(let message): return "aed-bench-score: data: \(message)"
        case .peer(let message): return "aed-bench-score: peer: \(message)"
        case .detector(let message): return "aed-bench-score: detector: \(message)"
        }
    }
}
