import Foundation
import Testing
@testable import Tensor

/// `aed-blas-check` as a process: the kernel an executable of ours ends up with after
/// `BLASKernel.ensureCapableKernel`, and sgemm against the naive loop under that kernel. (The
/// test runner cannot switch: OpenBLAS chose its kernel when the runner loaded it.)
@Suite(.serialized, .timeLimit(.minutes(10))) struct BLASKernelProcessTests {
    /// `aed-blas-check` next to the test runner (`swift build --build-tests` builds it).
    static func checkerPath() throws -> String {
        var directories: [URL] = []
        if let runner = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: runner).deletingLastPathComponent())
        }
        if let bundle = Bundle.main.executableURL {
            directories.append(bundle.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // On macOS the runner lives inside aedPackageTests.xctest/Contents/MacOS.
        directories += directories.map { $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        for directory in directories {
            let path = directory.appendingPathComponent("aed-blas-check").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        Issue.record("aed-blas-check not found next to the test runner (looked in \(directories.map(\.path))); build it with `swift build --build-tests`")
        throw CocoaError(.fileNoSuchFile)
    }

    /// Runs `aed-blas-check` with this process's environment minus the BLAS variables, plus
    /// `extra`; returns its exit status and its `key: value` lines.
    static func runChecker(extra: [String: String] = [:]) throws -> (status: Int32, lines: [String: String]) {
        var environment = ProcessInfo.processInfo.environment
        environment[BLASKernel.coreTypeVariable] = nil
        environment[BLASKernel.reexecutedVariable] = nil
        environment.merge(extra) { _, new in new }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try checkerPath())
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var lines: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            lines[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (process.terminationStatus, lines)
    }

    @Test func executableEndsUpOnAKernelThatFitsTheCPU() throws {
        let (status, lines) = try Self.runChecker()
        #expect(status == 0, "sgemm disagrees with the naive loop under \(lines["kernel"] ?? "?"): \(lines)")
        let kernel = try #require(lines["kernel"])
        let cpu = CPUFeatures.current()
        if cpu.hasAVX2AndFMA {
            #expect(!BLASKernelDecision.isFallback(kernel), "kernel \(kernel) on \(cpu.modelName): \(lines)")
            #expect(lines["slower than the CPU allows"] == "false")
        }
        if cpu.hasAVX512 && BLASKernelDecision.isFallback(BLASKernel.kernelInUse()) {
            // This machine is the case of the issue: OpenBLAS alone picks a fallback.
            #expect(kernel == "SkylakeX")
            #expect(lines["choice"]?.hasPrefix("switched from \(BLASKernel.kernelInUse()) to SkylakeX because the CPU has AVX-512") == true)
        }
        // Children of the switched process see the environment it was started with.
        #expect(lines["environment"] == "OPENBLAS_CORETYPE=(unset)")
    }

    #if arch(x86_64)
    @Test func operatorsCoreTypeIsKept() throws {
        let (status, lines) = try Self.runChecker(extra: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(status == 0, "sgemm disagrees with the naive loop under Prescott: \(lines)")
        #expect(lines["kernel"] == "Prescott")
        #expect(lines["choice"] == "kept Prescott: OPENBLAS_CORETYPE=\"Prescott\" was set by the operator")
        #expect(lines["environment"] == "OPENBLAS_CORETYPE=Prescott")
    }

    @Test(.enabled(if: CPUFeatures.current().hasAVX2AndFMA, "Haswell kernels need AVX2 and FMA"))
    func reexecutedProcessReportsTheSwitchAndDoesNotLoop() throws {
        // What the first run leaves for the second: the kernel to use and the one it replaces.
        let (status, lines) = try Self.runChecker(extra: ["OPENBLAS_CORETYPE": "Haswell", "AED_BLAS_REEXEC": "Prescott"])
        #expect(status == 0, "sgemm disagrees with the naive loop under Haswell: \(lines)")
        #expect(lines["kernel"] == "Haswell")
        #expect(lines["choice"]?.hasPrefix("switched from Prescott to Haswell because the CPU has") == true)
        #expect(lines["environment"] == "OPENBLAS_CORETYPE=(unset)")
    }
    #endif
}
