import Foundation

/// Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method, in `Double`.
///
/// `A = V diag(eigenvalues) V^T`, eigenvalues in descending order, `vectors` column `j` (row-major
/// `[n, n]`, element `(i, j)` at `i * n + j`) the unit eigenvector of `eigenvalues[j]`.
/// Reference: Golub and Van Loan, "Matrix Computations", 4th ed., section 8.5 (cyclic Jacobi).
public struct SymmetricEigen: Sendable {
    /// The eigenvalues, largest first.
    public let eigenvalues: [Double]
    /// The eigenvectors as columns of a row-major `[n, n]` matrix, in the order of `eigenvalues`.
    public let vectors: [Double]
    /// The matrix order `n`.
    public let order: Int

    /// Decomposes the symmetric `matrix`, row-major `[n, n]`.
    /// - Precondition: `matrix.count == n * n`; only symmetric input gives meaningful results.
    public init(symmetric matrix: [Double], order n: Int) {
        precondition(matrix.count == n * n, "SymmetricEigen: \(matrix.count) elements for order \(n)")
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
            if off <= 1e-30 * max(total, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    // A <- J^T A J, rotating rows and columns p and q.
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
        eigenvalues = order.map { a[$0 * n + $0] }
        var sorted = [Double](repeating: 0, count: n * n)
        for (j, source) in order.enumerated() {
            for i in 0..<n { sorted[i * n + j] = v[i * n + source] }
        }
        vectors = sorted
        self.order = n
    }
}
