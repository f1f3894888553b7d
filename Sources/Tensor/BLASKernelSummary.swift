/// The BLAS kernel this process computes with and how it came to be, for logs, status and
/// benchmark summaries.
public struct BLASKernelSummary: Sendable, Equatable, CustomStringConvertible {
    /// The library and its version, e.g. `OpenBLAS 0.3.21`.
    public var library: String
    /// The kernel in use, as `openblas_get_corename()` names it, e.g. `SkylakeX`.
    public var kernel: String
    /// The CPU's model name, e.g. `Intel(R) Xeon(R) Processor`; `unknown CPU` when unknown.
    public var cpuModel: String
    /// What was chosen and why, e.g. `switched from Prescott to SkylakeX because the CPU has
    /// AVX-512 (F, BW, DQ, VL)` or `kept Zen: OpenBLAS recognised this CPU`.
    public var choice: String
    /// Whether the kernel in use is one of OpenBLAS's generic fallbacks (`Prescott`, ...) while
    /// the CPU has AVX2 and FMA, that is, whether sgemm runs several times slower than it could.
    public var isSlowerThanTheCPUAllows: Bool

    /// Creates a summary.
    public init(library: String, kernel: String, cpuModel: String, choice: String, isSlowerThanTheCPUAllows: Bool) {
        self.library = library
        self.kernel = kernel
        self.cpuModel = cpuModel
        self.choice = choice
        self.isSlowerThanTheCPUAllows = isSlowerThanTheCPUAllows
    }

    /// `OpenBLAS 0.3.21 kernel SkylakeX, Intel(R) Xeon(R) Processor`: what `aed --version` and
    /// the benchmarks print.
    public var description: String { "\(library) kernel \(kernel), \(cpuModel)" }

    /// The description and the choice in one line, for a log or a status field.
    public var detailedDescription: String { "\(description) (\(choice))" }
}
