import BenchSupport
import Foundation
import Tensor

/// The benchmark's vectors: read from a raw little-endian float32 file `[samples, dimensions]`.
enum Dataset {
    /// Generates the data with the peer's `gen_vectors.py` unless `options.dataPath` is given,
    /// then reads it.
    /// - Throws: `BenchmarkError.data` if generation fails or the file is not `n × dim` floats.
    static func load(_ options: BenchmarkOptions) throws -> (tensor: Tensor, path: String) {
        let path: String
        if let given = options.dataPath {
            path = given
        } else {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("aed-bench-train-\(options.samples)x\(options.dimensions)-s\(options.seed).f32").path
            if !FileManager.default.fileExists(atPath: path) {
                let result = try Subprocess.run(options.python, [
                    options.benchDirectory + "/gen_vectors.py", "--n", String(options.samples),
                    "--dim", String(options.dimensions), "--seed", String(options.seed), "--out", path,
                ])
                guard result.status == 0 else {
                    throw BenchmarkError.data("gen_vectors.py exited \(result.status) (its error is above)")
                }
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchmarkError.data("cannot read \(path)")
        }
        let rowBytes = options.dimensions * 4
        guard data.count > 0, data.count % rowBytes == 0 else {
            throw BenchmarkError.data("\(path) has \(data.count) bytes, not a multiple of \(rowBytes)")
        }
        let count = data.count / 4
        let scalars = data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return (Tensor(shape: [count / options.dimensions, options.dimensions], scalars: scalars), path)
    }
}
