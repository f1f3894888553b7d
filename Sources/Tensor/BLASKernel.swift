import CBLAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes OpenBLAS use a kernel that fits the CPU, and tells which kernel it uses.
///
/// OpenBLAS built with DYNAMIC_ARCH picks its kernels once, when the library loads, from the
/// CPU model, or from `OPENBLAS_CORETYPE` when that is set. A CPU model newer than the library
/// gets a generic fallback: Debian 12's OpenBLAS 0.3.21 runs `Prescott` (SSE3) on Intel family 6
/// model 207, and sgemm 512^3 reaches 19 GFLOP/s there instead of 118-141 with `SkylakeX`.
/// Since the choice is made before `main`, the only fix from inside is to start over:
/// `ensureCapableKernel(arguments:)`, called first thing in `main`, re-executes the program
/// once with `OPENBLAS_CORETYPE` set when `BLASKernelDecision.decide` says so.
public enum BLASKernel {
    /// The variable OpenBLAS reads its kernel from: `OPENBLAS_CORETYPE`.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set (to the kernel OpenBLAS had reported) for the re-executed process, so it knows it
    /// was switched and never re-executes again: `AED_BLAS_REEXEC`.
    public static let reexecutedVariable = "AED_BLAS_REEXEC"

    /// The kernel OpenBLAS uses in this process, e.g. `Prescott` or `SkylakeX`.
    public static func kernelInUse() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration, e.g. `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH
    /// NO_AFFINITY Prescott MAX_THREADS=64`.
    public static func configuration() -> String {
        guard let text = openblas_get_config() else { return "" }
        return String(cString: text)
    }

    /// The library and version from `configuration()`, e.g. `OpenBLAS 0.3.21`.
    public static func library() -> String {
        let words = configuration().split(separator: " ").prefix(2)
        return words.isEmpty ? "OpenBLAS" : words.joined(separator: " ")
    }

    /// Makes this process compute on a kernel that fits the CPU; call it first thing in `main`,
    /// before anything computes or starts a thread, with the program's arguments.
    ///
    /// When `BLASKernelDecision.decide` says switch (a generic fallback on a CPU with AVX2 and
    /// FMA or AVX-512, and no `OPENBLAS_CORETYPE` from the operator), it sets
    /// `OPENBLAS_CORETYPE` and `AED_BLAS_REEXEC` and replaces the process with a new run of
    /// `/proc/self/exe` with the same arguments (same pid; this call does not return then).
    /// In that second run it removes both variables again, so child processes see the
    /// environment the program was started with, and records the switch. When the exec fails,
    /// or OpenBLAS is not a DYNAMIC_ARCH build, it says so on standard error and in the summary
    /// and carries on with the kernel it has.
    /// - Parameter arguments: the program's arguments, the program name first.
    /// - Returns: the kernel in use and why, also available later as `summary`.
    @discardableResult
    public static func ensureCapableKernel(arguments: [String] = CommandLine.arguments) -> BLASKernelSummary {
        let cpu = CPUFeatures.current()
        let inUse = kernelInUse()
        if let original = environment(reexecutedVariable) {
            let requested = environment(coreTypeVariable) ?? ""
            unsetenv(reexecutedVariable)
            unsetenv(coreTypeVariable)
            let reason = BLASKernelDecision.decide(reportedKernel: original, cpu: cpu, operatorCoreType: nil).reason
            let choice = inUse.lowercased() == requested.lowercased()
                ? "switched from \(original) to \(inUse) because \(reason)"
                : "asked for \(requested) instead of \(original) because \(reason), but OpenBLAS runs \(inUse)"
            return record(summary(kernel: inUse, cpu: cpu, choice: choice))
        }
        let decision = BLASKernelDecision.decide(
            reportedKernel: inUse, cpu: cpu, operatorCoreType: environment(coreTypeVariable))
        guard let target = decision.target else {
            return record(summary(kernel: inUse, cpu: cpu, choice: "kept \(inUse): \(decision.reason)"))
        }
        guard configuration().contains("DYNAMIC_ARCH") else {
            return record(
                report(kernel: inUse, cpu: cpu, choice:
                    "kept \(inUse): \(target) would fit (\(decision.reason)), but this OpenBLAS is not a DYNAMIC_ARCH build"))
        }
        setenv(coreTypeVariable, target, 1)
        setenv(reexecutedVariable, inUse, 1)
        let failure = reexecute(arguments: arguments)
        unsetenv(coreTypeVariable)
        unsetenv(reexecutedVariable)
        return record(
            report(kernel: inUse, cpu: cpu, choice:
                "kept \(inUse): switching to \(target) (\(decision.reason)) failed: re-executing /proc/self/exe: \(failure)"))
    }

    /// The kernel in use and why, as `ensureCapableKernel(arguments:)` recorded it; when the
    /// process never called that, what OpenBLAS chose and what it would have decided.
    public static var summary: BLASKernelSummary {
        if let recorded = recorded.value { return recorded }
        let cpu = CPUFeatures.current()
        let inUse = kernelInUse()
        let decision = BLASKernelDecision.decide(
            reportedKernel: inUse, cpu: cpu, operatorCoreType: environment(coreTypeVariable))
        let choice = decision.target.map {
            "\(inUse): \($0) would fit (\(decision.reason)), but this process did not call ensureCapableKernel at start"
        } ?? "kept \(inUse): \(decision.reason)"
        return record(summary(kernel: inUse, cpu: cpu, choice: choice))
    }

    private static let recorded = RecordedSummary()

    private static func record(_ summary: BLASKernelSummary) -> BLASKernelSummary {
        recorded.value = summary
        return summary
    }

    private static func summary(kernel: String, cpu: CPUFeatures, choice: String) -> BLASKernelSummary {
        BLASKernelSummary(
            library: library(), kernel: kernel, cpuModel: cpu.modelName.isEmpty ? "unknown CPU" : cpu.modelName,
            choice: choice, isSlowerThanTheCPUAllows: BLASKernelDecision.isFallback(kernel) && cpu.hasAVX2AndFMA)
    }

    /// A summary for a switch that did not happen, also written to standard error.
    private static func report(kernel: String, cpu: CPUFeatures, choice: String) -> BLASKernelSummary {
        let line = "BLAS: \(choice)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        return summary(kernel: kernel, cpu: cpu, choice: choice)
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Replaces the process with `/proc/self/exe` run with `arguments`; returns only when that
    /// fails, with the reason.
    private static func reexecute(arguments: [String]) -> String {
        var argv: [UnsafeMutablePointer<CChar>?] = (arguments.isEmpty ? ["/proc/self/exe"] : arguments).map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        execv("/proc/self/exe", argv)
        return String(cString: strerror(errno))
    }
}

/// The summary `BLASKernel` recorded, behind a lock (written at start, read from any thread).
private final class RecordedSummary: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        return mutex
    }()
    private var stored: BLASKernelSummary?

    var value: BLASKernelSummary? {
        get {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return stored
        }
        set {
            pthread_mutex_lock(mutex)
            stored = newValue
            pthread_mutex_unlock(mutex)
        }
    }
}
