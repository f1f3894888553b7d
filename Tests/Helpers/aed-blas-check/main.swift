// aed-blas-check: the OpenBLAS kernel aed's executables compute with on this machine, and
// whether sgemm under that kernel agrees with the naive triple loop. TensorTests runs it as a
// subprocess (the test runner itself cannot switch kernels: OpenBLAS chose when it loaded).
//
// Usage: aed-blas-check
// Prints `library:`, `kernel:`, `cpu:`, `choice:`, `slower than the CPU allows:` and
// `sgemm worst error / bound:` lines, and the `OPENBLAS_CORETYPE` children would inherit; exits 0 when every product is within its rounding bound,
// 1 when one is not.
import Tensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let blas = BLASKernel.ensureCapableKernel(arguments: CommandLine.arguments)
BLAS.setThreadCount(1)

/// The worst `|sgemm - exact| / bound` over `op(a) · op(b)` at one shape, where exact is the
/// triple loop in `Double` and bound is `2 k ε Σ_p |a_ip| |b_pj| + tiny`, twice the rounding
/// error bound of any summation order in `Float` (ε = 2^-24).
func worstErrorRatio(m: Int, k: Int, n: Int, transposeA: Bool, transposeB: Bool, rng: inout Xoshiro256StarStar) -> Double {
    let a = Tensor.randomNormal(transposeA ? [k, m] : [m, k], using: &rng)
    let b = Tensor.randomNormal(transposeB ? [n, k] : [k, n], using: &rng)
    let fast = Tensor.matmul(a, transposeA: transposeA, b, transposeB: transposeB)
    var worst = 0.0
    for i in 0..<m {
        for j in 0..<n {
            var exact = 0.0
            var magnitude = 0.0
            for p in 0..<k {
                let x = Double(transposeA ? a.scalars[p * m + i] : a.scalars[i * k + p])
                let y = Double(transposeB ? b.scalars[j * k + p] : b.scalars[p * n + j])
                exact += x * y
                magnitude += abs(x * y)
            }
            let bound = 2 * Double(k) * 0x1p-24 * magnitude + 1e-30
            worst = max(worst, abs(Double(fast.scalars[i * n + j]) - exact) / bound)
        }
    }
    return worst
}

var rng = Xoshiro256StarStar(seed: 2026)
var worst = 0.0
// Shapes of the AE and VAE layers at batch 1 (sgemv), 256 and 1024, and a square one large
// enough for OpenBLAS's blocked kernels.
let shapes = [(1, 38, 64), (256, 38, 64), (256, 64, 16), (1024, 16, 64), (160, 140, 96), (4, 1, 3)]
for (m, k, n) in shapes {
    for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
        worst = max(worst, worstErrorRatio(m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB, rng: &rng))
    }
}
print("library: \(blas.library)")
print("kernel: \(blas.kernel)")
print("cpu: \(blas.cpuModel)")
print("choice: \(blas.choice)")
print("slower than the CPU allows: \(blas.isSlowerThanTheCPUAllows)")
print("sgemm worst error / bound: \(worst)")
// What child processes inherit: the operator's value, or nothing when the switch was ours.
print("environment: \(BLASKernel.coreTypeVariable)=\(getenv(BLASKernel.coreTypeVariable).map { String(cString: $0) } ?? "(unset)")")
exit(worst <= 1 ? 0 : 1)
