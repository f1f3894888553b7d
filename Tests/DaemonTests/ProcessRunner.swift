import Foundation

/// Runs the release binaries of aed and aectl as processes, the way users run them.
enum ReleaseBinaries {
    /// The repository root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `.build/release/<name>`, or nil when it was not built.
    static func path(_ name: String) -> String? {
        let path = repositoryRoot.appendingPathComponent(".build/release/\(name)").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// The message for missing binaries (the e2e tests fail with it, they do not skip).
    static let missingMessage =
        "release binaries missing: build them first with `swift build -c release --product aed && swift build -c release --product aectl` (scripts/test does)"
}

/// The output of a finished process.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable` with `arguments` to completion, killing it after `timeout` seconds.
///
/// The child writes its stdout and stderr to temporary files, read once it exits. Pipes read
/// through `readabilityHandler` crashed the test process now and then: clearing the handler
/// cancels a dispatch read source asynchronously, and closing the pipe before that cancellation
/// finishes leaves libdispatch's epoll loop a dangling registration (SIGSEGV in
/// `_dispatch_event_loop_drain`; swift-corelibs-foundation PR 5507).
func runProcess(_ executable: String, _ arguments: [String], timeout: Double = 120, environment: [String: String]? = nil)
    throws -> ProcessResult
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aed-process-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("stdout")
    let errURL = folder.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer {
        try? out.close()
        try? err.close()
    }
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw HarnessError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    process.waitUntilExit()
    let stdout = (try? Data(contentsOf: outURL)) ?? Data()
    let stderr = (try? Data(contentsOf: errURL)) ?? Data()
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// A free TCP port on 127.0.0.1 (bound and released; a tiny race is acceptable in tests).
func freeTCPPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
