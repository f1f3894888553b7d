import BenchSupport
import Foundation

/// The Python peers of `shared/bench`, run on the same data file in the same invocation.
enum Peer {
    /// `peer_score.py`: vectors/s by scorer name and batch size, torch version.
    /// - Throws: `ScoreBenchError.peer` when the script fails or prints no result.
    static func scoring(
        file: VectorFile, batchSizes: [Int], importanceSamples k: Int, options: ScoreBenchOptions
    ) throws -> (rates: [String: [Int: Double]], torch: String) {
        let result = try Subprocess.run(options.python, [
            options.benchDirectory + "/peer_score.py", "--data", file.path, "--dim", String(file.dimensions),
            "--batches", batchSizes.map(String.init).joined(separator: ","), "--threads", "1",
            "--scorers", "ae,vae_elbo1,vae_iwae16", "--k", String(k),
            "--min-time", String(options.minimumSeconds), "--repeats", String(options.repeats),
            "--seed", String(options.seed),
        ])
        guard result.status == 0, let json = result.lastJSONObject, let rows = json["results"] as? [[String: Any]] else {
            throw ScoreBenchError.peer("peer_score.py failed (exit \(result.status)); is torch installed? (pip install -r \(options.benchDirectory)/requirements.txt)")
        }
        var rates: [String: [Int: Double]] = [:]
        for row in rows {
            guard let scorer = row["scorer"] as? String, let batch = (row["batch"] as? NSNumber)?.intValue,
                let rate = (row["vectors_per_s_median"] as? NSNumber)?.doubleValue
            else { continue }
            rates[scorer, default: [:]][batch] = rate
        }
        return (rates, json["torch"] as? String ?? "?")
    }

    /// `peer_train.py` (torch loop, 1 thread): training samples/s by model (`ae`, `vae`).
    /// - Throws: `ScoreBenchError.peer` when the script fails or prints no result.
    static func training(file: VectorFile, epochs: Int, options: ScoreBenchOptions) throws -> [String: Double] {
        let result = try Subprocess.run(options.python, [
            options.benchDirectory + "/peer_train.py", "--data", file.path, "--dim", String(file.dimensions),
            "--epochs", String(epochs), "--batch", "256", "--threads", "1", "--models", "ae,vae",
            "--repeats", String(options.repeats), "--seed", String(options.seed),
        ])
        guard result.status == 0, let json = result.lastJSONObject, let rows = json["results"] as? [[String: Any]] else {
            throw ScoreBenchError.peer("peer_train.py failed (exit \(result.status))")
        }
        var rates: [String: Double] = [:]
        for row in rows where (row["impl"] as? String) == "torch" {
            if let model = row["model"] as? String, let rate = (row["samples_per_s_median"] as? NSNumber)?.doubleValue {
                rates[model] = rate
            }
        }
        return rates
    }
}
