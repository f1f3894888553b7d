import Foundation
import ZeroMQ

/// `aed-bench-score zmq-sink`: the raw ZeroMQ receive rate over the same publisher and
/// transport as the daemons, with no decoding or scoring; a daemon for `shared/bench/e2e.py`.
///
/// Connects a SUB to `--endpoint` (where `publish.py` binds), receives `[stream][payload]`
/// messages until `--expect` vectors arrived (an `AEV1` payload counts its header's count,
/// anything else one vector) or nothing came for 10 s, and prints one JSON line:
/// `vectors`, `messages`, `vectors_per_s` and `messages_per_s` from the first to the last
/// message, `cpu_s` of this process over the same span, and with timestamped binary payloads
/// (`publish.py --ts`) the receive time minus the first `ts` of each message, `latency_p50_us`
/// and `latency_p99_us`: the transport's share of publish-to-scored latency.
enum ZeroMQSink {
    /// Runs the sink with e2e.py's daemon flags (`--endpoint E --expect N`; others are ignored).
    /// - Throws: `ScoreBenchError.usage` without an endpoint, socket errors.
    static func run(arguments: [String]) throws {
        var endpoint: String?
        var expect = 0
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            switch flag {
            case "--endpoint": endpoint = iterator.next()
            case "--expect": expect = Int(iterator.next() ?? "") ?? 0
            case "--format", "--mode", "--start-delay": _ = iterator.next()
            default: break
            }
        }
        guard let endpoint else { throw ScoreBenchError.usage("zmq-sink needs --endpoint") }
        let context = try Context(ioThreads: 1)
        let socket = try context.socket(.sub, lingerMilliseconds: 0)
        defer {
            socket.close()
            context.shutdown()
        }
        try socket.set(.receiveHighWaterMark(messages: 200_000))
        try socket.set(.receiveTimeout(milliseconds: 10_000))
        try socket.subscribe("")
        try socket.connect(endpoint)
        let message = MultipartMessage(maximumStoredFrames: 4)
        var messages = 0, vectors = 0
        var delays: [Double] = []  // receive time minus the first `ts` of a message, seconds
        var first = 0.0, last = 0.0, cpuFirst = 0.0, cpuLast = 0.0
        while expect == 0 || vectors < expect {
            guard try socket.receiveMultipart(into: message) else { break }  // 10 s without a message
            if messages == 0 {
                first = Throughput.now()
                cpuFirst = processCPUSeconds()
            }
            messages += 1
            vectors += message.frameCount >= 2 ? vectorCount(message[1]) : 1
            if message.frameCount >= 2, let sent = firstTimestamp(message[1]) {
                var spec = timespec()
                clock_gettime(CLOCK_REALTIME, &spec)
                delays.append(Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9 - sent)
            }
            last = Throughput.now()
        }
        cpuLast = processCPUSeconds()
        let seconds = last - first
        delays.sort()
        func percentile(_ q: Double) -> Any {
            delays.isEmpty ? NSNull() : 1e6 * delays[min(delays.count - 1, Int(q * Double(delays.count)))]
        }
        let result: [String: Any] = [
            "latency_p50_us": percentile(0.5), "latency_p99_us": percentile(0.99), "latency_samples": delays.count,
            "script": "zmq-sink", "endpoint": endpoint, "vectors": vectors, "messages": messages,
            "vectors_per_s": seconds > 0 ? Int(Double(vectors) / seconds) : NSNull(),
            "messages_per_s": seconds > 0 ? Int(Double(messages) / seconds) : NSNull(),
            "cpu_s": cpuLast - cpuFirst, "sent": expect, "dropped": max(0, expect - vectors),
        ]
        let encoded = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: encoded, as: UTF8.self))
    }

    /// The vector count of an `AEV1` payload (little-endian u32 at byte 8), else 1.
    static func vectorCount(_ frame: Message) -> Int {
        frame.withUnsafeBytes { bytes in
            guard bytes.count >= 16, bytes[0] == 0x41, bytes[1] == 0x45, bytes[2] == 0x56, bytes[3] == 0x31 else { return 1 }
            return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        }
    }

    /// The first `ts` of an `AEV1` payload with timestamps (flags bit 0), seconds since the epoch.
    static func firstTimestamp(_ frame: Message) -> Double? {
        frame.withUnsafeBytes { bytes in
            guard bytes.count >= 24, vectorCount(frame) > 0,
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) & 1 == 1
            else { return nil }
            return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        }
    }

    /// User + system CPU seconds of this process.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }
}
