import Foundation

/// Runs a program and collects its standard output; its standard error passes through.
/// Shared by the benchmark executables (`aed-bench-score`, `aed-bench-train`).
public enum Subprocess {
    /// A finished program: its exit status and standard output.
    public struct Result {
        /// The exit status.
        public var status: Int32
        /// Everything it wrote to standard output.
        public var output: String

        /// The last line of the output that starts with `{`, parsed as a JSON object.
        public var lastJSONObject: [String: Any]? {
            for line in output.split(separator: "\n").reversed() where line.hasPrefix("{") {
                return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
            return nil
        }
    }

    /// Runs `program` (looked up in `PATH`) with `arguments` and waits for it.
    /// - Throws: when the program cannot be started.
    public static func run(_ program: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
