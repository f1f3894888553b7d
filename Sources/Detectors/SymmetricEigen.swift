import Foundation
import Tensor

/// Eigendecomposition of a real symmetric matrix, in `Double`, by LAPACK's divide-and-conquer
/// `dsyevd` (OpenBLAS).
///
/// `A = V diag(eigenvalues) V^T`, eigenvalues in descending order, `vectors` column `j` (row-major
/// `[n, n]`, element `(i, j)` at `i * n + j`) the unit eigenvector of `eigenvalues[j]`.
/// Reference: Golub and Van Loan, "Matrix Computations", 4th ed., section 8.4 (divide and
/// conquer); LAPACK Users' Guide, `DSYEVD`. It replaced a hand-written cyclic Jacobi solver,
/// whose every sweep costs about 6n^3 scalar operations, for up to 100 sweeps.
public struct SymmetricEigen: Sendable {
    /// The eigenvalues, largest first.
    public let eigenvalues: [Double]
    /// The eigenvectors as columns of a row-major `[n, n]` matrix, in the order of `eigenvalues`.
    public let vectors: [Double]
    /// The matrix order `n`.
    public let order: Int

    /// Decomposes the symmetric `matrix`, row-major `[n, n]`.
    /// - Throws: `DetectorError.eigendecompositionFailed` for non-finite entries or when LAPACK
    ///   reports a failure.
    /// - Precondition: `matrix.count == n * n`; only symmetric input gives meaningful results.
    public init(symmetric matrix: [Double], order n: Int) throws(DetectorError) {
        precondition(matrix.count == n * n, "SymmetricEigen: \(matrix.count) elements for order \(n)")
        guard matrix.allSatisfy(\.isFinite) else {
            throw DetectorError.eigendecompositionFailed("the matrix has non-finite entries")
        }
        let ascending: (eigenvalues: [Double], eigenvectors: [Double])
        do {
            ascending = try LAPACK.symmetricEigen(matrix, order: n)
        } catch {
            throw DetectorError.eigendecompositionFailed(error.description)
        }
        // LAPACK gives ascending eigenvalues with eigenvector j in row j; we keep descending
        // eigenvalues with eigenvector j in column j.
        eigenvalues = ascending.eigenvalues.reversed()
        var sorted = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            let source = n - 1 - j
            for i in 0..<n { sorted[i * n + j] = ascending.eigenvectors[source * n + i] }
        }
        vectors = sorted
        order = n
    }
}
