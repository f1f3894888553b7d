import BenchSupport

/// The sgemm ceiling of this machine, one BLAS thread, and what it allows the AE forward pass.
enum GemmLimit {
    /// The AE layers `D-64-16-64-D` as `(in, out)`.
    static func autoencoderLayers(dimensions d: Int) -> [(Int, Int)] { [(d, 64), (64, 16), (16, 64), (64, d)] }

    /// Vectors/s of the AE forward pass if each layer's matmul ran at the sgemm rate measured at
    /// its own shape `[batch, in] · [in, out]`: `1 / Σ_l (2·in_l·out_l / rate_l)`.
    static func autoencoderLimit(dimensions d: Int, batchSize: Int) -> (vectorsPerSecond: Double, layerGigaflops: [Double]) {
        let layers = autoencoderLayers(dimensions: d)
        let rates = layers.map { GemmProbe.gigaflops(m: batchSize, k: $0.0, n: $0.1, minimumFlops: 1e9) }
        var secondsPerVector = 0.0
        for (layer, rate) in zip(layers, rates) { secondsPerVector += 2 * Double(layer.0 * layer.1) / (rate * 1e9) }
        return (1 / secondsPerVector, rates)
    }
}
