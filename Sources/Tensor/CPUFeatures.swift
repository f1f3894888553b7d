#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the CPU offers the BLAS kernels: its model name and its instruction-set flags.
///
/// Read from the first processor of Linux's `/proc/cpuinfo` (`model name` and `flags`). The
/// kernel lists a vector extension there only when it also enabled the extension's register
/// state (XSAVE), so a flag present means usable, not just implemented. Elsewhere (macOS, a
/// container without `/proc`) both are empty and nothing is switched.
public struct CPUFeatures: Sendable, Equatable {
    /// The CPU's marketing name, e.g. `Intel(R) Xeon(R) Processor`; empty when unknown.
    public var modelName: String
    /// Lower-case feature flags as Linux spells them (`avx2`, `fma`, `avx512f`, ...).
    public var flags: Set<String>

    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use, as `/proc/cpuinfo` names them.
    public static let avx512Flags = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]

    /// Creates features from a model name and flags (flags are lower-cased).
    public init(modelName: String = "", flags: some Sequence<String>) {
        self.modelName = modelName
        self.flags = Set(flags.map { $0.lowercased() })
    }

    /// Whether the CPU has AVX2 and FMA (what OpenBLAS's Haswell kernels need).
    public var hasAVX2AndFMA: Bool { flags.contains("avx2") && flags.contains("fma") }

    /// Whether the CPU has AVX-512 F, BW, DQ and VL (what OpenBLAS's SkylakeX kernels need).
    public var hasAVX512: Bool { Self.avx512Flags.allSatisfy(flags.contains) }

    /// The features of the first processor listed in `cpuinfo`, the text of `/proc/cpuinfo`.
    ///
    /// Uses the first `model name` and `flags` lines (x86); other layouts give empty values.
    public static func parse(cpuinfo: String) -> CPUFeatures {
        var model = ""
        var flags: [String] = []
        var sawFlags = false
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            if key == "model name" && model.isEmpty {
                model = value
            } else if key == "flags" && !sawFlags {
                flags = value.split(separator: " ").map(String.init)
                sawFlags = true
            }
            if !model.isEmpty && sawFlags { break }
        }
        return CPUFeatures(modelName: model, flags: flags)
    }

    /// The features of this machine's CPU, from `/proc/cpuinfo`; empty when it cannot be read.
    public static func current() -> CPUFeatures {
        parse(cpuinfo: readSmallFile("/proc/cpuinfo") ?? "")
    }

    /// The contents of a small text file such as `/proc/cpuinfo` (whose size `stat` reports
    /// as 0, so it is read to the end), or nil when it cannot be opened.
    static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
