import Tensor

/// The sgemm ceiling of this machine, one BLAS thread, and what it allows the AE forward pass.
enum GemmLimit {
    /// GFLOP/s of `[m, k] · [k, n]` (2mnk FLOP a call) through `BLAS.gemm`, best of 5 timed rounds.
    static func gigaflops(m: Int, k: Int, n: Int, minimumFlops: Double = 1e9) -> Double {
        var rng = Xoshiro256StarStar(seed: 1)
        let a = Tensor.randomNormal([m, k], using: &rng)
        let b = Tensor.randomNormal([k, n], using: &rng)
        let flopsPerCall = 2.0 * Double(m * n * k)
        let calls = max(1, Int(minimumFlops / flopsPerCall / 5))
        var c = Tensor.zeros([m, n])
        var best = 0.0
        for _ in 0..<5 {
            let start = Throughput.now()
            for _ in 0..<calls { c.addMatmul(a, b, alpha: 1e-9) }
            best = max(best, flopsPerCall * Double(calls) / (Throughput.now() - start) / 1e9)
        }
        return best
    }

    /// The AE layers `D-64-16-64-D` as `(in, out)`.
    static func autoencoderLayers(dimensions d: Int) -> [(Int, Int)] { [(d, 64), (64, 16), (16, 64), (64, d)] }

    /// Vectors/s of the AE forward pass if each layer's matmul ran at the sgemm rate measured at
    /// its own shape `[batch, in] · [in, out]`: `1 / Σ_l (2·in_l·out_l / rate_l)`.
    static func autoencoderLimit(dimensions d: Int, batchSize: Int) -> (vectorsPerSecond: Double, layerGigaflops: [Double]) {
        let layers = autoencoderLayers(dimensions: d)
        let rates = layers.map { gigaflops(m: batchSize, k: $0.0, n: $0.1) }
        var secondsPerVector = 0.0
        for (layer, rate) in zip(layers, rates) { secondsPerVector += 2 * Double(layer.0 * layer.1) / (rate * 1e9) }
        return (1 / secondsPerVector, rates)
    }
}
