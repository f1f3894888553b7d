/// Command-line options of `aed-bench-train`.
struct BenchmarkOptions {
    var samples = 100_000
    var dimensions = 38
    var epochs = 10
    var batchSize = 256
    var learningRate: Float = 1e-3
    var repeats = 3
    var seed: UInt64 = 0
    var dataPath: String?
    var benchDirectory = "../shared/bench"
    var runPeer = true
    var python = "python3"

    static let usage = """
        usage: aed-bench-train [--n N] [--dim D] [--epochs E] [--batch B] [--repeats R]
                               [--seed S] [--data FILE.f32] [--bench-dir DIR] [--no-peer]
                               [--python PYTHON]

        Trains the AE D -> 64 -> 16 -> 64 -> D (ReLU, MSE, Adam 1e-3) on the vectors of
        DIR/gen_vectors.py with one BLAS thread and prints samples/s beside the PyTorch peer
        DIR/peer_train.py (1 torch thread) measured in the same run, their ratio, and the
        sgemm GFLOP/s of this machine. Run from the repository root; DIR defaults to
        ../shared/bench. Build with -c release.
        """

    /// Parses `arguments` (without the program name).
    /// - Throws: `BenchmarkError.usage` naming the bad flag or value.
    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else { throw BenchmarkError.usage("\(flag) needs a value") }
            return next
        }
        func integer(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number > 0 else {
                throw BenchmarkError.usage("\(flag) needs a positive integer, got \(text)")
            }
            return number
        }
        while let flag = iterator.next() {
            switch flag {
            case "--n": samples = try integer(flag)
            case "--dim": dimensions = try integer(flag)
            case "--epochs": epochs = try integer(flag)
            case "--batch": batchSize = try integer(flag)
            case "--repeats": repeats = try integer(flag)
            case "--seed": seed = UInt64(try integer(flag))
            case "--data": dataPath = try value(flag)
            case "--bench-dir": benchDirectory = try value(flag)
            case "--python": python = try value(flag)
            case "--no-peer": runPeer = false
            case "--help", "-h": throw BenchmarkError.help
            default: throw BenchmarkError.usage("unknown argument \(flag)")
            }
        }
    }
}

/// Why the benchmark stopped.
enum BenchmarkError: Error, CustomStringConvertible {
    case help
    case usage(String)
    case data(String)
    case peer(String)

    var description: String {
        switch self {
        case .help: return BenchmarkOptions.usage
        case .usage(let message): return "aed-bench-train: \(message)\n\n\(BenchmarkOptions.usage)"
        case .data(let message): return "aed-bench-train: data: \(message)"
        case .peer(let message): return "aed-bench-train: peer: \(message)"
        }
    }
}
