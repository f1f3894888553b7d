// aed-bench-wire: decode throughput of the wire format beside a plain copy, the raw ZeroMQ
// message rate, Python's json.loads / numpy.frombuffer on the same payloads, and the
// `aectl publish` send rate. Build with -c release. Prints a table and one JSON line.
//
//   swift run -c release aed-bench-wire [--messages N] [--python python3]
import AECTLKit
import Foundation
import Wire
import ZeroMQ

let dimension = 38
let arguments = CommandLine.arguments
func argument(_ name: String, default value: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}
let singleMessages = Int(argument("--messages", default: "100000")) ?? 100_000
let python = argument("--python", default: "python3")

// Deterministic data in the shape of a real stream (values of a few significant digits).
struct LinearCongruential {
    var state: UInt64 = 0x2026_1129
    mutating func nextUniform() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(state >> 40) / Float(1 << 24)
    }
}
let vectorCount = singleMessages
var generator = LinearCongruential()
let values: [Float] = (0..<(vectorCount * dimension)).map { _ in (generator.nextUniform() * 4 - 2).rounded(toPlaces: 6) }
let timestamps = (0..<vectorCount).map { 1_732_870_000 + Double($0) * 0.001 }

extension Float {
    func rounded(toPlaces places: Int) -> Float {
        let scale = Float(pow(10, Double(places)))
        return (self * scale).rounded() / scale
    }
}

/// Payloads of `perMessage` vectors each.
func payloads(_ format: PayloadFormat, perMessage: Int) -> [[UInt8]] {
    stride(from: 0, to: vectorCount - perMessage + 1, by: perMessage).map { start in
        WireEncoder.encode(format, values: Array(values[(start * dimension)..<((start + perMessage) * dimension)]),
                           dimension: dimension, timestamps: Array(timestamps[start..<(start + perMessage)]))
    }
}

/// Best of `repeats` timings of `body`, in seconds.
func best(_ repeats: Int = 5, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    var fastest = Double.infinity
    for _ in 0..<repeats {
        let start = clock.now
        body()
        fastest = min(fastest, Double((clock.now - start) / .seconds(1)))
    }
    return fastest
}

/// Decode rate in vectors per second.
func decodeRate(_ messages: [[UInt8]]) -> (rate: Double, vectors: Int) {
    var decoder = WireDecoder()
    var batch = VectorBatch(dimension: dimension, capacity: 8192)
    var counts = RejectionCounts()
    var vectors = 0
    let seconds = best {
        vectors = 0
        for message in messages {
            let outcome = message.withUnsafeBytes { decoder.decode(payload: $0, into: &batch, rejections: &counts) }
            vectors += outcome.accepted
            if batch.count >= 4096 { batch.removeAll() }
        }
        batch.removeAll()
    }
    precondition(counts.total == 0, "benchmark payloads were rejected: \(counts.byName)")
    return (Double(vectors) / seconds, vectors)
}

/// A plain copy of the same bytes (what a binary decode cannot beat), in vectors per second.
func copyRate(_ messages: [[UInt8]], vectorsPerMessage: Int) -> Double {
    var sink = [UInt8](repeating: 0, count: (messages.first?.count ?? 0) * 16)
    var offset = 0
    let seconds = best {
        for message in messages {
            if offset + message.count > sink.count { offset = 0 }
            sink.withUnsafeMutableBytes { target in
                message.withUnsafeBytes { source in
                    (target.baseAddress.unsafelyUnwrapped + offset).copyMemory(from: source.baseAddress.unsafelyUnwrapped, byteCount: source.count)
                }
            }
            offset += message.count
        }
    }
    return Double(messages.count * vectorsPerMessage) / seconds
}

/// The Python peer's decode rate (json.loads + numpy, or numpy.frombuffer) on the same payloads.
func pythonRate(_ messages: [[UInt8]], kind: String, vectorsPerMessage: Int) -> Double? {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-wire-\(getpid())")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("payloads.bin")
    var data = Data()
    for message in messages {
        withUnsafeBytes(of: UInt32(message.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: message)
    }
    guard (try? data.write(to: file)) != nil else { return nil }
    let script = """
        import json, struct, sys, time
        import numpy as np
        raw = open(sys.argv[1], "rb").read(); kind = sys.argv[2]; per = int(sys.argv[3])
        msgs = []; i = 0
        while i < len(raw):
            (n,) = struct.unpack_from("<I", raw, i); msgs.append(raw[i + 4:i + 4 + n]); i += 4 + n
        def run_json():
            for p in msgs:
                o = json.loads(p)
                if "values" in o:
                    np.asarray(o["values"], dtype=np.float32)
                else:
                    np.asarray([it["values"] for it in o["batch"]], dtype=np.float32)
        def run_binary():
            for p in msgs:
                _, d, k, f = struct.unpack_from("<4sIII", p)
                off = 16 + (8 * k if f & 1 else 0) + (8 * k if f & 2 else 0)
                np.frombuffer(p, "<f4", k * d, off).reshape(k, d)
                if f & 1:
                    np.frombuffer(p, "<f8", k, 16)
        fn = run_json if kind == "json" else run_binary
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
        print(len(msgs) * per / best)
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", script, file.path, kind, String(vectorsPerMessage)]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return Double(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

/// Lossless PUB to SUB over tcp loopback in this process: messages per second of `payload`.
func zeroMQRate(payload: [UInt8], messages: Int) -> Double? {
    guard let context = try? Context(), let sub = try? context.socket(.sub, lingerMilliseconds: 0) else { return nil }
    guard (try? sub.subscribe("b")) != nil, (try? sub.set(.receiveTimeout(milliseconds: 5_000))) != nil,
          let endpoint = try? sub.bind("tcp://127.0.0.1:*") else { return nil }
    let sender = Thread {
        guard let pub = try? context.socket(.xpub, lingerMilliseconds: 1_000) else { return }
        _ = try? pub.set(.xpubNoDrop(true))
        _ = try? pub.set(.sendTimeout(milliseconds: 5_000))
        guard (try? pub.connect(endpoint)) != nil, (try? pub.set(.receiveTimeout(milliseconds: 5_000))) != nil,
              (try? pub.receiveFrame()) != nil else { return }
        let topic: [UInt8] = Array("b".utf8)
        for _ in 0..<messages {
            guard (try? pub.send(topic, more: true)) == true, (try? pub.send(payload)) == true else { return }
        }
        pub.close()
    }
    sender.start()
    let message = MultipartMessage()
    // The first message starts the clock (the join is not part of the rate).
    guard (try? sub.receiveMultipart(into: message)) == true else { return nil }
    let clock = ContinuousClock()
    let start = clock.now
    var received = 1
    while received < messages, (try? sub.receiveMultipart(into: message)) == true { received += 1 }
    let seconds = Double((clock.now - start) / .seconds(1))
    return received == messages ? Double(received - 1) / seconds : nil
}

/// `aectl publish`'s send rate (Publisher, lossless) to a SUB draining in this process.
func publishRate(_ format: PayloadFormat, batch: Int) -> Double? {
    guard let context = try? Context(), let sub = try? context.socket(.sub, lingerMilliseconds: 0) else { return nil }
    guard (try? sub.subscribe("")) != nil, (try? sub.set(.receiveTimeout(milliseconds: 5_000))) != nil,
          let endpoint = try? sub.bind("tcp://127.0.0.1:*") else { return nil }
    let box = ReportBox()
    let options = PublishOptions(endpoint: endpoint, stream: "bench", format: format, batch: batch)
    let publisher = Thread { [values] in
        box.set(try? Publisher.publish(values: values, dimension: dimension, options: options))
    }
    publisher.start()
    let message = MultipartMessage()
    var messages = 0
    let expected = (vectorCount + batch - 1) / batch
    while messages < expected, (try? sub.receiveMultipart(into: message)) == true { messages += 1 }
    return box.wait()?.vectorsPerSecond
}

final class ReportBox: @unchecked Sendable {
    private let lock = NSLock()
    private var report: PublishReport?
    private let done = DispatchSemaphore(value: 0)
    func set(_ value: PublishReport?) {
        lock.withLock { report = value }
        done.signal()
    }
    func wait() -> PublishReport? {
        _ = done.wait(timeout: .now() + 60)
        return lock.withLock { report }
    }
}

// MARK: Run

let jsonSingle = payloads(.json, perMessage: 1)
let binarySingle = payloads(.binary, perMessage: 1)
let binaryBatch = payloads(.binary, perMessage: 256)
let jsonBatch = payloads(.json, perMessage: 256)

struct Row {
    let name: String
    let payloadBytes: Int
    let swift: Double
    let copy: Double
    let python: Double?
}

var rows: [Row] = []
for (name, messages, per, kind) in [("JSON, 1 vector/msg", jsonSingle, 1, "json"),
                                    ("JSON, 256 vectors/msg", jsonBatch, 256, "json"),
                                    ("binary, 1 vector/msg", binarySingle, 1, "binary"),
                                    ("binary, 256 vectors/msg", binaryBatch, 256, "binary")] {
    let swift = decodeRate(messages)
    rows.append(Row(name: name, payloadBytes: messages.first?.count ?? 0, swift: swift.rate,
                    copy: copyRate(messages, vectorsPerMessage: per),
                    python: pythonRate(messages, kind: kind, vectorsPerMessage: per)))
}
let zmqSmall = zeroMQRate(payload: binarySingle.first ?? [], messages: 300_000)
let zmqBatch = zeroMQRate(payload: binaryBatch.first ?? [], messages: 20_000)
let publishBinary = publishRate(.binary, batch: 1)
let publishJSON = publishRate(.json, batch: 1)
let publishBatch = publishRate(.binary, batch: 256)

func format(_ value: Double?) -> String {
    guard let value else { return "n/a" }
    return String(format: "%.0f", value)
}

print("aed-bench-wire: D = \(dimension), \(vectorCount) vectors, best of 5")
print("| payload | bytes/msg | Swift decode v/s | plain copy v/s | Swift/copy | Python v/s | Swift/Python |")
print("|---|---|---|---|---|---|---|")
for row in rows {
    let ratioCopy = row.copy / row.swift
    let ratioPython = row.python.map { row.swift / $0 }
    print("| \(row.name) | \(row.payloadBytes) | \(format(row.swift)) | \(format(row.copy)) | copy \(String(format: "%.2fx", ratioCopy)) faster | \(format(row.python)) | \(ratioPython.map { String(format: "%.1fx", $0) } ?? "n/a") |")
}
print("raw ZeroMQ PUB->SUB tcp loopback, lossless, one process: \(format(zmqSmall)) msg/s at \(binarySingle.first?.count ?? 0) B, "
      + "\(format(zmqBatch)) msg/s at \(binaryBatch.first?.count ?? 0) B (= \(format(zmqBatch.map { $0 * 256 })) v/s)")
print("aectl publish send rate: binary 1/msg \(format(publishBinary)) v/s, JSON 1/msg \(format(publishJSON)) v/s, binary 256/msg \(format(publishBatch)) v/s")

func js(_ value: Double?) -> Any { value.map { $0 as Any } ?? NSNull() }
var json: [String: Any] = ["dimension": dimension, "vectors": vectorCount]
for row in rows {
    let key = row.name.replacingOccurrences(of: ", ", with: "_").replacingOccurrences(of: " vectors/msg", with: "").replacingOccurrences(of: " vector/msg", with: "")
    json["decode_\(key)"] = ["swift_vps": row.swift, "copy_vps": row.copy, "python_vps": js(row.python), "payload_bytes": row.payloadBytes]
}
json["zmq_msgs_per_s_small"] = js(zmqSmall)
json["zmq_msgs_per_s_batch256"] = js(zmqBatch)
json["publish_vps"] = ["binary_1": js(publishBinary), "json_1": js(publishJSON), "binary_256": js(publishBatch)]
if let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]) {
    print(String(decoding: data, as: UTF8.self))
}
