import CBLAS

/// The LAPACK routines aed uses, from OpenBLAS (which ships LAPACK in the same library).
public enum LAPACK {
    /// The eigendecomposition `A = V diag(w) Vᵀ` of the real symmetric `matrix` (`[n, n]`,
    /// row-major; only its upper triangle is read), by LAPACK's divide-and-conquer `dsyevd`.
    /// - Returns: the eigenvalues ascending, and the eigenvectors as the rows of a row-major
    ///   `[n, n]` matrix (row `j` is the unit eigenvector of `eigenvalues[j]`).
    /// - Throws: `LAPACKError` when `dsyevd` reports an argument error or does not converge.
    /// - Precondition: `matrix.count == n * n`, `n <= Int32.max`.
    public static func symmetricEigen(_ matrix: [Double], order n: Int) throws(LAPACKError)
        -> (eigenvalues: [Double], eigenvectors: [Double])
    {
        precondition(matrix.count == n * n && n <= Int(Int32.max), "symmetricEigen: \(matrix.count) elements for order \(n)")
        guard n > 0 else { return ([], []) }
        // Symmetric, so the row-major matrix is its own column-major transpose. dsyevd leaves
        // eigenvector j in column j of the column-major result: row j of the row-major view.
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        var order = Int32(n), info: Int32 = 0
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "L"))
        // Workspace query, then the decomposition.
        var workSize = 0.0
        var iworkSize: Int32 = 0
        var query: Int32 = -1
        dsyevd_(&jobz, &uplo, &order, &a, &order, &w, &workSize, &query, &iworkSize, &query, &info)
        guard info == 0 else { throw LAPACKError(routine: "dsyevd", info: Int(info)) }
        var lwork = Int32(workSize.rounded(.up)), liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(max(lwork, 1)))
        var iwork = [Int32](repeating: 0, count: Int(max(liwork, 1)))
        dsyevd_(&jobz, &uplo, &order, &a, &order, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "dsyevd", info: Int(info)) }
        return (w, a)
    }
}

/// A LAPACK routine's failure: `info < 0` names a bad argument, `info > 0` a failure to converge.
public struct LAPACKError: Error, Equatable, CustomStringConvertible {
    /// The routine, e.g. `dsyevd`.
    public var routine: String
    /// LAPACK's `INFO` output.
    public var info: Int

    public var description: String {
        info < 0
            ? "\(routine): argument \(-info) had an illegal value"
            : "\(routine): the algorithm failed to converge (INFO = \(info))"
    }
}
