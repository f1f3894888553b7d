extension Variable {
    /// The matrix product `a · b`, `[m, k] · [k, n] -> [m, n]`, on `BLAS.gemm`.
    ///
    /// Backward: `∂/∂a = g · bᵀ`, `∂/∂b = aᵀ · g`, both as transpose flags of one sgemm; a
    /// parameter's gradient is accumulated by sgemm with `beta = 1`.
    public static func matmul(_ a: Variable, _ b: Variable) -> Variable {
        let av = a.value
        let bv = b.value
        return Variable(Tensor.matmul(av, bv), parents: [a, b]) { g in
            if a.requiresGradient { a.accumulateProduct(g, bv, transposeA: false, transposeB: true) }
            if b.requiresGradient { b.accumulateProduct(av, g, transposeA: true, transposeB: false) }
        }
    }

    /// The affine map `x · weight + bias`, `[batch, in] · [in, out] + [out] -> [batch, out]`,
    /// computed by `Tensor.affine` (one `beta = 0` sgemm, then one pass adding the bias).
    ///
    /// Backward: `∂/∂x = g · weightᵀ`, `∂/∂weight = xᵀ · g`, `∂/∂bias = Σ_batch g`.
    /// - Precondition: `x` is `[batch, in]`, `weight` is `[in, out]`, `bias` is `[out]`.
    public static func affine(_ x: Variable, weight: Variable, bias: Variable) -> Variable {
        let xv = x.value
        let wv = weight.value
        let output = Tensor.affine(xv, weight: wv, bias: bias.value)
        return Variable(output, parents: [x, weight, bias]) { g in
            if x.requiresGradient { x.accumulateProduct(g, wv, transposeA: false, transposeB: true) }
            if weight.requiresGradient {
                weight.accumulateProduct(xv, g, transposeA: true, transposeB: false)
            }
            if bias.requiresGradient { bias.accumulateColumnSums(g) }
        }
    }

    /// Adds the column sums `Σ_batch g` of `g` `[batch, n]` into this `[n]` gradient, as the
    /// product `1ᵀ · g` on sgemm (`[1, batch] · [batch, n]`).
    func accumulateColumnSums(_ g: Tensor) {
        let ones = Tensor.ones([1, g.shape[0]])
        let n = g.shape[1]
        var existing = gradient.map { $0.reshaped([1, n]) } ?? Tensor.zeros([1, n])
        gradient = nil
        existing.addMatmul(ones, g)
        accumulate(existing.reshaped([n]))
    }

    /// Adds `op(a) · op(b)` into `gradient`, in place when a gradient is already there.
    func accumulateProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) {
        if var existing = gradient {
            gradient = nil
            existing.addMatmul(a, transposeA: transposeA, b, transposeB: transposeB)
            gradient = existing
        } else {
            accumulate(Tensor.matmul(a, transposeA: transposeA, b, transposeB: transposeB))
        }
    }
}

extension Tensor {
    /// The affine map `x · weight + bias`, `[batch, in] · [in, out] + [out] -> [batch, out]`,
    /// rectified (`max(0, ·)`, a ReLU layer) when `rectified`: one sgemm (`beta = 0`) writes the
    /// product, then one pass over it adds the bias (and rectifies), so the output is written
    /// once by BLAS and once by us (a bias copy before a `beta = 1` sgemm cost a third pass).
    /// - Precondition: `x` is `[batch, in]`, `weight` is `[in, out]`, `bias` is `[out]`
    ///   (shapes in the message).
    public static func affine(_ x: Tensor, weight: Tensor, bias: Tensor, rectified: Bool = false) -> Tensor {
        let (m, k, n) = matmulExtents(x, false, weight, false)
        precondition(
            bias.shape == [n], "affine: bias \(bias.shape) does not match weight \(weight.shape)")
        let output = [Float](unsafeUninitializedCapacity: m * n) { out, initialized in
            x.scalars.withUnsafeBufferPointer { px in
                weight.scalars.withUnsafeBufferPointer { pw in
                    bias.scalars.withUnsafeBufferPointer { pb in
                        guard let po = out.baseAddress, let pb = pb.baseAddress else { return }
                        if k > 0, let px = px.baseAddress, let pw = pw.baseAddress {
                            BLAS.gemm(m: m, n: n, k: k, a: px, transposeA: false, b: pw, transposeB: false, beta: 0, c: po)
                        } else {
                            po.initialize(repeating: 0, count: m &* n)
                        }
                        for r in 0..<m {
                            let row = po + r &* n
                            if rectified {
                                // A select, not `max` (whose NaN rule keeps it scalar); NaN -> 0
                                // as the ReLU's own `x > 0 ? x : 0`.
                                for j in 0..<n {
                                    let value = row[j] + pb[j]
                                    row[j] = value > 0 ? value : 0
                                }
                            } else {
                                for j in 0..<n { row[j] += pb[j] }
                            }
                        }
                    }
                }
            }
            initialized = m * n
        }
        return Tensor(shape: [m, n], scalars: output)
    }
}
