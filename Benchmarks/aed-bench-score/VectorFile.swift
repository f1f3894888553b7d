import BenchSupport
import Foundation

/// The benchmark's vectors: a raw little-endian float32 file `[samples, dimensions]` written by
/// the peer's `gen_vectors.py`, so aed and the peer score the same bytes.
struct VectorFile {
    /// Where the file is.
    var path: String
    /// The vectors, row-major `[samples, dimensions]`.
    var values: [Float]
    var dimensions: Int
    var samples: Int { values.count / dimensions }

    /// Generates `samples × dimensions` vectors with `gen_vectors.py` (once; reused when the
    /// file exists) in `directory` and reads them.
    /// - Throws: `ScoreBenchError.data` if generation fails or the file is not `n × dim` floats.
    static func generated(
        samples: Int, dimensions: Int, seed: UInt64, directory: String, options: ScoreBenchOptions
    ) throws -> VectorFile {
        let path = directory + "/vectors-\(samples)x\(dimensions)-s\(seed).f32"
        if !FileManager.default.fileExists(atPath: path) {
            let result = try Subprocess.run(options.python, [
                options.benchDirectory + "/gen_vectors.py", "--n", String(samples), "--dim", String(dimensions),
                "--seed", String(seed), "--out", path,
            ])
            guard result.status == 0 else {
                throw ScoreBenchError.data("gen_vectors.py exited \(result.status) (its error is above)")
            }
        }
        return try read(path: path, dimensions: dimensions)
    }

    /// Reads a float32 file of rows of `dimensions` values.
    /// - Throws: `ScoreBenchError.data` when the file is unreadable or not whole rows.
    static func read(path: String, dimensions: Int) throws -> VectorFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScoreBenchError.data("cannot read \(path)")
        }
        let rowBytes = dimensions * 4
        guard data.count > 0, data.count % rowBytes == 0 else {
            throw ScoreBenchError.data("\(path) has \(data.count) bytes, not a multiple of \(rowBytes)")
        }
        let count = data.count / 4
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return VectorFile(path: path, values: values, dimensions: dimensions)
    }
}
