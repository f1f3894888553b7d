import Tensor

/// The BLAS kernel aed computes with, for `aed --version`, the ready log line and status.
extension AnomalyDaemon {
    /// `aed --version`: the version, the OpenBLAS kernel in use and the CPU, e.g.
    /// `0.1.0 (OpenBLAS 0.3.21 kernel SkylakeX, Intel(R) Xeon(R) Processor)`.
    public static var versionDescription: String { "\(version) (\(BLASKernel.summary))" }

    /// The OpenBLAS kernel in use, the CPU and why that kernel, e.g. `OpenBLAS 0.3.21 kernel
    /// SkylakeX, Intel(R) Xeon(R) Processor (switched from Prescott to SkylakeX because the CPU
    /// has AVX-512 (F, BW, DQ, VL))`.
    static var blasKernel: String { BLASKernel.summary.detailedDescription }
}
