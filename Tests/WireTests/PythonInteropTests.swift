import Foundation
import Testing
@testable import Wire

/// Payloads written by Python encoders must decode here, and ours must decode there.
///
/// Runs when `python3` with numpy is available: it uses the encoders of `examples/publish.py`
/// and the peer's `wire.py`, from `AED_WIRE_PEER` or else `../shared/bench` beside the repository.
@Suite("Python interop")
struct PythonInteropTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var pythonAvailable: Bool {
        (try? runPython("import numpy, zmq", input: Data())) != nil
    }

    /// Runs `python3 -c script` with `input` on stdin and returns stdout; bounded to 30 s.
    static func runPython(_ script: String, input: Data, arguments: [String] = []) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let timer = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: timer)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return output
    }

    /// Splits `u32 length | bytes` records.
    static func records(_ data: Data) -> [[UInt8]] {
        let bytes = [UInt8](data)
        var result: [[UInt8]] = []
        var index = 0
        while index + 4 <= bytes.count {
            let length = Int(bytes[index]) | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2]) << 16 | Int(bytes[index + 3]) << 24
            index += 4
            guard index + length <= bytes.count else { break }
            result.append(Array(bytes[index..<(index + length)]))
            index += length
        }
        return result
    }

    @Test(.enabled(if: pythonAvailable))
    func examplePublisherPayloadsDecode() throws {
        let script = """
            import struct, sys
            import numpy as np
            sys.path.insert(0, sys.argv[1])
            from publish import encode_json, encode_binary
            rows = (np.arange(3 * 5, dtype=np.float32).reshape(3, 5) * 0.1 - 0.7).astype(np.float32)
            out = sys.stdout.buffer
            for p in [encode_json(rows[:1], 1.5, 7), encode_json(rows, 2.5, 8), encode_binary(rows[:1], 3.5, 9), encode_binary(rows, 4.5, 10)]:
                out.write(struct.pack("<I", len(p)) + p)
            """
        let payloads = Self.records(try Self.runPython(script, input: Data(), arguments: [Self.repositoryRoot.appendingPathComponent("examples").path]))
        #expect(payloads.count == 4)
        let rows = (0..<15).map { Float(Float($0) * 0.1) - 0.7 }
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        for (index, payload) in payloads.enumerated() {
            var batch = VectorBatch(dimension: 5)
            let outcome = payload.withUnsafeBytes { decoder.decode(payload: $0, into: &batch, rejections: &counts) }
            let expectedCount = index.isMultiple(of: 2) ? 1 : 3
            #expect(outcome.accepted == expectedCount, "payload \(index): \(String(describing: outcome.lastRejection))")
            #expect(Array(batch.values) == Array(rows.prefix(expectedCount * 5)))
            #expect(batch.timestamp(0) == [1.5, 2.5, 3.5, 4.5][index])
            #expect(batch.sequenceNumber(0) == UInt64(7 + index))
        }
        #expect(counts.total == 0)
    }

    /// The folder holding the peer's `wire.py`, or nil without one.
    static var peerFolder: String? {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["AED_WIRE_PEER"],
                          repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/bench").path]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/wire.py") }
    }

    @Test(.enabled(if: peerFolder != nil && pythonAvailable))
    func peerEncodesAndDecodesOurs() throws {
        let peer = Self.peerFolder ?? "."
        // Ours into the peer's validator (no seq in binary: the peer predates the seq flag).
        let rows: [Float] = (0..<(4 * 38)).map { Float($0) / 7 }
        var input = Data()
        for payload in [WireEncoder.encode(.json, values: Array(rows.prefix(38)), dimension: 38, timestamps: [1], sequenceNumbers: [0]),
                        WireEncoder.encode(.json, values: rows, dimension: 38, timestamps: [1, 2, 3, 4]),
                        WireEncoder.encode(.binary, values: Array(rows.prefix(38)), dimension: 38, timestamps: [1]),
                        WireEncoder.encode(.binary, values: rows, dimension: 38)] {
            withUnsafeBytes(of: UInt32(payload.count).littleEndian) { input.append(contentsOf: $0) }
            input.append(contentsOf: payload)
        }
        let script = """
            import json, struct, sys
            import numpy as np
            sys.path.insert(0, sys.argv[1])
            import wire
            raw = sys.stdin.buffer.read(); i = 0; v = wire.Validator(38)
            while i < len(raw):
                (n,) = struct.unpack_from("<I", raw, i); v.add([b"s1", raw[i + 4:i + 4 + n]]); i += 4 + n
            x, ts = v.take()
            print(json.dumps({"n": int(x.shape[0]), "rejected": v.rejected_total(), "sum": float(x.astype(np.float64).sum())}))
            rows = np.arange(4 * 38, dtype=np.float32).reshape(4, 38) / 7
            for p in [wire.encode_json(rows[:1], 1.0), wire.encode_json(rows, 2.0), wire.encode_binary(rows[:1], 3.0), wire.encode_binary(rows)]:
                sys.stdout.buffer.write(struct.pack("<I", len(p)) + p)
            """
        let output = try Self.runPython(script, input: input, arguments: [peer])
        guard let newline = output.firstIndex(of: UInt8(ascii: "\n")) else {
            Issue.record("no output from the peer")
            return
        }
        let summary = String(decoding: output[..<newline], as: UTF8.self)
        #expect(summary.contains(#""n": 10"#) && summary.contains(#""rejected": 0"#), "\(summary)")
        var decoder = WireDecoder()
        var counts = RejectionCounts()
        var batch = VectorBatch(dimension: 38)
        for payload in Self.records(output[(newline + 1)...]) {
            _ = payload.withUnsafeBytes { decoder.decode(payload: $0, into: &batch, rejections: &counts) }
        }
        #expect(counts.total == 0)
        #expect(batch.count == 10)
        #expect(Array(batch.vector(9)) == Array(rows.suffix(38)))
    }
}
