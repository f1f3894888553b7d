import Tensor

/// Measures single-threaded sgemm throughput through `BLAS.gemm` (shared by the benchmarks).
public enum GemmProbe {
    /// GFLOP/s of `[m, k] · [k, n]` (2mnk FLOPs a call), best of several timed batches.
    public static func gigaflops(m: Int, k: Int, n: Int, minimumFlops: Double = 2e9) -> Double {
        var rng = Xoshiro256StarStar(seed: 1)
        let a = Tensor.randomNormal([m, k], using: &rng)
        let b = Tensor.randomNormal([k, n], using: &rng)
        let flopsPerCall = 2.0 * Double(m * n * k)
        let calls = max(1, Int(minimumFlops / flopsPerCall / 5))
        var c = Tensor.zeros([m, n])
        var best = 0.0
        let clock = ContinuousClock()
        for _ in 0..<5 {
            let start = clock.now
            for _ in 0..<calls { c.addMatmul(a, b, alpha: 1e-9) }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = max(best, flopsPerCall * Double(calls) / seconds / 1e9)
        }
        return best
    }
}
