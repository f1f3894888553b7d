/// Whether to keep the kernel OpenBLAS chose at load time or restart with a better one.
///
/// The result of `BLASKernelDecision.decide(reportedKernel:cpu:operatorCoreType:)`, a pure
/// function, so the table of cases is tested without touching the process.
public enum BLASKernelDecision: Sendable, Equatable {
    /// Leave OpenBLAS's choice alone; `reason` says why, e.g. `OpenBLAS recognised this CPU`.
    case keep(reason: String)
    /// Run with `OPENBLAS_CORETYPE=kernel` instead; `reason` names the CPU features, e.g.
    /// `the CPU has AVX-512 (F, BW, DQ, VL)`.
    case switchTo(kernel: String, reason: String)

    /// Why this decision, in words for a log line.
    public var reason: String {
        switch self {
        case .keep(let reason), .switchTo(_, let reason): reason
        }
    }

    /// The kernel to switch to, or nil to keep the reported one.
    public var target: String? {
        if case .switchTo(let kernel, _) = self { return kernel }
        return nil
    }

    /// OpenBLAS's x86 fallbacks: the kernels DYNAMIC_ARCH picks for a CPU model it does not
    /// know (0.3.21 runs `Prescott`, SSE3, on Intel family 6 model 207), lower-cased. Each is
    /// also the right kernel for its own, older CPU, so it is replaced only when the CPU has
    /// AVX2 and FMA, which none of those CPUs have.
    public static let fallbackKernels: Set<String> = [
        "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
        "nehalem", "sandybridge", "unknown",
    ]

    /// Whether `kernel` (as `openblas_get_corename()` spells it, any case) is one of the
    /// `fallbackKernels`.
    public static func isFallback(_ kernel: String) -> Bool {
        fallbackKernels.contains(kernel.lowercased())
    }

    /// Decides whether to replace the kernel OpenBLAS reported.
    ///
    /// In order: an operator's `OPENBLAS_CORETYPE` (even an empty one: OpenBLAS acts on any
    /// value it finds) is always kept; a kernel that is not a fallback was detected correctly
    /// (`Haswell`, `SkylakeX`, `Zen`, ARM kernels, ...) and is kept; a fallback is replaced by
    /// `SkylakeX` when the CPU has AVX-512 F, BW, DQ and VL, else by `Haswell` when it has AVX2
    /// and FMA, else kept (the fallback fits that CPU).
    /// - Parameters:
    ///   - reportedKernel: `openblas_get_corename()` of this process, e.g. `Prescott`.
    ///   - cpu: the CPU's features (`CPUFeatures.current()`).
    ///   - operatorCoreType: the `OPENBLAS_CORETYPE` the process was started with, nil when unset.
    public static func decide(reportedKernel: String, cpu: CPUFeatures, operatorCoreType: String?)
        -> BLASKernelDecision
    {
        if let operatorCoreType {
            return .keep(reason: "OPENBLAS_CORETYPE=\"\(operatorCoreType)\" was set by the operator")
        }
        guard isFallback(reportedKernel) else {
            return .keep(reason: "OpenBLAS recognised this CPU")
        }
        if cpu.hasAVX512 {
            return .switchTo(kernel: "SkylakeX", reason: "the CPU has AVX-512 (F, BW, DQ, VL)")
        }
        if cpu.hasAVX2AndFMA {
            return .switchTo(kernel: "Haswell", reason: "the CPU has AVX2 and FMA")
        }
        return .keep(reason: "the CPU has neither AVX2 with FMA nor AVX-512, which \(reportedKernel) fits")
    }
}
