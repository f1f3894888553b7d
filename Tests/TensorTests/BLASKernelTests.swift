import Foundation
import Testing
@testable import Tensor

@Suite struct BLASKernelTests {
    static let sse3 = ["fpu", "sse", "sse2", "pni", "ssse3", "sse4_1", "sse4_2"]
    static let avx = sse3 + ["avx"]
    static let avx2 = avx + ["avx2", "fma"]
    static let avx512 = avx2 + ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
    /// AVX-512 F without BW, DQ and VL (Knights Landing): not enough for SkylakeX.
    static let avx512FOnly = avx2 + ["avx512f", "avx512cd", "avx512er", "avx512pf"]

    /// (reported kernel, CPU flags, operator's OPENBLAS_CORETYPE, kernel to switch to or nil).
    static let cases: [(String, [String], String?, String?)] = [
        // Generic fallbacks on capable CPUs are replaced.
        ("Prescott", avx512, nil, "SkylakeX"),
        ("Prescott", avx2, nil, "Haswell"),
        ("Prescott", avx512FOnly, nil, "Haswell"),
        ("prescott", avx512, nil, "SkylakeX"),
        ("Core2", avx512, nil, "SkylakeX"),
        ("Penryn", avx2, nil, "Haswell"),
        ("Dunnington", avx2, nil, "Haswell"),
        ("Nehalem", avx512, nil, "SkylakeX"),
        ("Atom", avx2, nil, "Haswell"),
        ("Sandybridge", avx2, nil, "Haswell"),
        ("Sandybridge", avx512, nil, "SkylakeX"),
        // ... but fit CPUs without AVX2 and FMA, and CPUs whose flags are unknown.
        ("Prescott", sse3, nil, nil),
        ("Sandybridge", avx, nil, nil),
        ("Nehalem", ["avx2"], nil, nil),
        ("Prescott", [], nil, nil),
        // Kernels detected correctly stay, AMD Zen included.
        ("Haswell", avx2, nil, nil),
        ("Haswell", avx512, nil, nil),
        ("SkylakeX", avx512, nil, nil),
        ("Cooperlake", avx512 + ["avx512_bf16"], nil, nil),
        ("Zen", avx512, nil, nil),
        ("Zen", avx2, nil, nil),
        ("NEOVERSEN1", [], nil, nil),
        // The operator's choice is never overridden, even a generic or an empty one.
        ("Prescott", avx512, "Prescott", nil),
        ("Haswell", avx512, "Haswell", nil),
        ("Prescott", avx512, "", nil),
    ]

    @Test(arguments: cases)
    func decision(_ example: (String, [String], String?, String?)) {
        let (reported, flags, operatorValue, expected) = example
        let decision = BLASKernelDecision.decide(
            reportedKernel: reported, cpu: CPUFeatures(flags: flags), operatorCoreType: operatorValue)
        #expect(decision.target == expected, "\(reported), \(flags), operator \(operatorValue ?? "unset")")
        #expect(!decision.reason.isEmpty)
        if let operatorValue {
            #expect(decision.reason.contains("OPENBLAS_CORETYPE=\"\(operatorValue)\""))
        }
    }

    @Test func decisionReasonsNameTheFeatures() {
        let skylake = BLASKernelDecision.decide(
            reportedKernel: "Prescott", cpu: CPUFeatures(flags: Self.avx512), operatorCoreType: nil)
        #expect(skylake == .switchTo(kernel: "SkylakeX", reason: "the CPU has AVX-512 (F, BW, DQ, VL)"))
        let haswell = BLASKernelDecision.decide(
            reportedKernel: "Prescott", cpu: CPUFeatures(flags: Self.avx2), operatorCoreType: nil)
        #expect(haswell == .switchTo(kernel: "Haswell", reason: "the CPU has AVX2 and FMA"))
        let zen = BLASKernelDecision.decide(reportedKernel: "Zen", cpu: CPUFeatures(flags: Self.avx2), operatorCoreType: nil)
        #expect(zen == .keep(reason: "OpenBLAS recognised this CPU"))
    }

    @Test func parsesProcCpuinfo() {
        let intel = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 207
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu sse sse2 pni fma avx avx2 avx512f avx512dq avx512bw avx512vl amx_tile
            bogomips\t: 4200.00

            processor\t: 1
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu sse
            """
        let features = CPUFeatures.parse(cpuinfo: intel)
        #expect(features.modelName == "Intel(R) Xeon(R) Processor")
        #expect(features.hasAVX512)
        #expect(features.hasAVX2AndFMA)
        #expect(features.flags.contains("amx_tile"))

        let zen = CPUFeatures.parse(cpuinfo: "model name\t: AMD EPYC 9R14 96-Core Processor\nflags\t\t: sse fma avx avx2\n")
        #expect(zen.modelName == "AMD EPYC 9R14 96-Core Processor")
        #expect(zen.hasAVX2AndFMA && !zen.hasAVX512)

        // ARM lists `Features`, not `flags`, and no model name.
        let arm = CPUFeatures.parse(cpuinfo: "processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm\n")
        #expect(arm == CPUFeatures(flags: []))
        #expect(CPUFeatures.parse(cpuinfo: "") == CPUFeatures(flags: []))
    }

    @Test func summaryDescribesKernelAndCPU() {
        let summary = BLASKernelSummary(
            library: "OpenBLAS 0.3.21", kernel: "SkylakeX", cpuModel: "Intel(R) Xeon(R) Processor",
            choice: "switched from Prescott to SkylakeX because the CPU has AVX-512 (F, BW, DQ, VL)",
            isSlowerThanTheCPUAllows: false)
        #expect(summary.description == "OpenBLAS 0.3.21 kernel SkylakeX, Intel(R) Xeon(R) Processor")
        #expect(summary.detailedDescription.hasSuffix("(switched from Prescott to SkylakeX because the CPU has AVX-512 (F, BW, DQ, VL))"))
        // In this process (the test runner never re-executes) the summary still names the kernel.
        #expect(!BLASKernel.summary.kernel.isEmpty)
        #expect(BLASKernel.library().hasPrefix("OpenBLAS"))
    }
}
