import CBLAS

/// The one matrix multiply of the engine, on OpenBLAS's `cblas_sgemm`.
///
/// Every matmul of the forward and backward passes goes through here, so transposes in
/// backward are BLAS flags, never materialized copies.
public enum BLAS {
    /// Sets the number of OpenBLAS worker threads for the whole process.
    ///
    /// One thread gives bit-identical results run to run and is the fastest at our shapes
    /// (a 38x64 layer is too small to split); benchmarks and deterministic training use 1.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// Computes `c = alpha * op(a) · op(b) + beta * c` for row-major matrices.
    ///
    /// `cblas_sgemm`, except for one row (`m == 1`, scoring a single vector), where
    /// `cblas_sgemv` skips sgemm's packing. With one BLAS thread the same shapes give the same
    /// bits on every run; a row multiplied alone or inside a larger batch agrees only up to
    /// rounding (OpenBLAS picks kernels by shape).
    /// `op(x)` is `x` or its transpose. With `op(a)` of shape `[m, k]` and `op(b)` of shape
    /// `[k, n]`, `c` has shape `[m, n]`. `a` is stored `[m, k]` (or `[k, m]` when transposed),
    /// `b` is stored `[k, n]` (or `[n, k]` when transposed).
    /// - Precondition: the buffers hold at least the stated number of elements.
    @inlinable
    public static func gemm(
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, transposeA: Bool,
        b: UnsafePointer<Float>, transposeB: Bool,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>
    ) {
        precondition(
            m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max),
            "gemm: extents \(m)x\(k)x\(n) exceed the 32-bit BLAS interface")
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves c scaled by beta when k == 0; do it explicitly for clarity.
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        let ldb = transposeB ? k : n
        if m == 1 {
            // One row (scoring a single vector): sgemv skips sgemm's packing and runs about 4x
            // faster at the AE's shapes. `a` is k contiguous elements either way. The result can
            // differ from the same row inside a larger batch in the last bits (so can sgemm's own
            // kernels between batch sizes); the same call always gives the same bits.
            cblas_sgemv(
                CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans,
                Int32(transposeB ? n : k), Int32(transposeB ? k : n),
                alpha, b, Int32(ldb), a, 1, beta, c, 1)
            return
        }
        let lda = transposeA ? m : k
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(n))
    }
}

extension Tensor {
    /// Returns the matrix product `op(a) · op(b)`, `[m, k] · [k, n] -> [m, n]`, via `BLAS.gemm`.
    ///
    /// - Parameters:
    ///   - transposeA: multiply by `aᵀ` (`a` stored `[k, m]`) without copying it.
    ///   - transposeB: multiply by `bᵀ` (`b` stored `[n, k]`) without copying it.
    /// - Precondition: both are rank 2 and the inner extents agree (both shapes in the message).
    public static func matmul(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false
    ) -> Tensor {
        let (m, k, n) = matmulExtents(a, transposeA, b, transposeB)
        var result = [Float](unsafeUninitializedCapacity: m * n) { buffer, initialized in
            if k == 0 { buffer.initialize(repeating: 0) }
            initialized = m * n
        }
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                result.withUnsafeMutableBufferPointer { pc in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress,
                        let pc = pc.baseAddress
                    else { return }
                    BLAS.gemm(
                        m: m, n: n, k: k, a: pa, transposeA: transposeA, b: pb,
                        transposeB: transposeB, c: pc)
                }
            }
        }
        return Tensor(shape: [m, n], scalars: result)
    }

    /// Adds `alpha * op(a) · op(b)` into `self` in place (`beta = 1`), via `BLAS.gemm`.
    ///
    /// Used by backward passes to accumulate weight gradients without a temporary.
    /// - Precondition: `self` has shape `[m, n]` matching the product.
    public mutating func addMatmul(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
        alpha: Float = 1
    ) {
        let (m, k, n) = Tensor.matmulExtents(a, transposeA, b, transposeB)
        precondition(
            shape == [m, n], "addMatmul: accumulator shape \(shape) != product shape \([m, n])")
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                scalars.withUnsafeMutableBufferPointer { pc in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress,
                        let pc = pc.baseAddress
                    else { return }
                    BLAS.gemm(
                        m: m, n: n, k: k, alpha: alpha, a: pa, transposeA: transposeA, b: pb,
                        transposeB: transposeB, beta: 1, c: pc)
                }
            }
        }
    }

    static func matmulExtents(
        _ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool
    ) -> (m: Int, k: Int, n: Int) {
        precondition(
            a.rank == 2 && b.rank == 2,
            "matmul: operands must be rank 2, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(
            k == kb,
            "matmul: inner extents differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")"
        )
        return (m, k, n)
    }
}
