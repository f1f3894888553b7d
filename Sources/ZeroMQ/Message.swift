import CZeroMQ

/// One ZeroMQ frame held in a `zmq_msg_t`, reusable across receives.
///
/// Receiving through `zmq_msg_t` never truncates: the frame is as long as the sender made it
/// (bounded only by `ZMQ_MAXMSGSIZE`). A `Message` is not `Sendable`; read its bytes with
/// `withUnsafeBytes` before the next receive into it.
public final class Message {
    /// Stable storage for the opaque `zmq_msg_t` (libzmq forbids copying it by value).
    let pointer: UnsafeMutablePointer<zmq_msg_t>

    /// Creates an empty message.
    public init() {
        pointer = .allocate(capacity: 1)
        zmq_msg_init(pointer)
    }

    /// The frame's size in bytes.
    public var count: Int { zmq_msg_size(pointer) }

    /// Calls `body` with the frame's bytes; the pointer is valid only inside `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let size = zmq_msg_size(pointer)
        guard size > 0, let data = zmq_msg_data(pointer) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: data, count: size))
    }

    /// The frame's bytes, copied into an array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// True when more frames of the same multipart message follow this one (`zmq_msg_more`).
    public var hasMore: Bool { zmq_msg_more(pointer) == 1 }

    deinit {
        zmq_msg_close(pointer)
        pointer.deallocate()
    }
}

/// A reusable receive buffer for one multipart message: its frames, in order.
///
/// Frames beyond `maximumStoredFrames` are received (libzmq delivers a message atomically) and
/// counted in `frameCount`, but not kept, so a hostile sender cannot grow the buffer.
public final class MultipartMessage {
    /// How many frames are kept; extra frames are drained and only counted.
    public let maximumStoredFrames: Int
    /// Storage, reused by every receive; only the first `storedFrameCount` are valid.
    private(set) var frames: [Message] = []
    /// The number of frames the last received message had (stored or not).
    public internal(set) var frameCount = 0
    /// The total byte count of all frames of the last message, stored or not.
    public internal(set) var byteCount = 0

    /// Creates an empty buffer that keeps at most `maximumStoredFrames` frames (at least 1).
    public init(maximumStoredFrames: Int = 8) {
        self.maximumStoredFrames = max(1, maximumStoredFrames)
    }

    /// The number of frames held (`min(frameCount, maximumStoredFrames)`).
    public var storedFrameCount: Int { min(frameCount, maximumStoredFrames) }

    /// Frame `index` of the last message.
    /// - Precondition: `index < storedFrameCount`.
    public subscript(index: Int) -> Message {
        precondition(index < storedFrameCount, "frame \(index) of \(storedFrameCount) stored frames")
        return frames[index]
    }

    /// The frames of the last message copied into arrays (at most `maximumStoredFrames`).
    public var arrays: [[UInt8]] { (0..<storedFrameCount).map { frames[$0].bytes } }

    /// The message to receive frame `index` into (created on first use).
    func slot(_ index: Int) -> Message {
        if index < frames.count { return frames[index] }
        let message = Message()
        frames.append(message)
        return message
    }
}
