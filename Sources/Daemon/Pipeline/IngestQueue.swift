import Foundation

/// Received messages waiting to be decoded, bounded by their total size in bytes.
///
/// The ingest thread receives every message ZeroMQ has ready into this queue (so libzmq's own
/// queue holds only what arrives while one micro-batch is scored), then decodes from it. A
/// message that would push the queued bytes over `maximumBytes` is refused; the caller counts
/// it as `queue-full`. Nothing here blocks.
struct IngestQueue {
    /// One queued message: the stream name and the payload frame.
    struct Entry {
        var stream: String
        var payload: [UInt8]
    }

    /// The most bytes (payload and stream name) held at once.
    var maximumBytes: Int
    /// Bytes held now.
    private(set) var bytes = 0
    private var entries: [Entry] = []
    private var head = 0

    /// Creates an empty queue that holds at most `maximumBytes`.
    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// The number of queued messages.
    var count: Int { entries.count - head }

    /// True when nothing is queued.
    var isEmpty: Bool { head == entries.count }

    /// Whether a message of `size` bytes fits under the limit now.
    func fits(_ size: Int) -> Bool { bytes + size <= maximumBytes }

    /// Queues `entry`; returns false (and keeps nothing) when it would exceed `maximumBytes`.
    mutating func append(_ entry: Entry) -> Bool {
        let size = entry.payload.count + entry.stream.utf8.count
        guard fits(size) else { return false }
        bytes += size
        entries.append(entry)
        return true
    }

    /// Removes and returns the oldest message, or `nil` when empty.
    mutating func popFirst() -> Entry? {
        guard head < entries.count else { return nil }
        let entry = entries[head]
        entries[head].payload = []
        head += 1
        bytes -= entry.payload.count + entry.stream.utf8.count
        if head == entries.count {
            entries.removeAll(keepingCapacity: entries.count <= 4_096)
            head = 0
        } else if head >= 4_096 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return entry
    }
}
