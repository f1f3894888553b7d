import Foundation

/// A value guarded by a lock, shared between the daemon's threads.
///
/// Used for the small mailboxes between threads (trainer results, status snapshots), never on
/// the per-vector path; public so the executables and tests share it instead of writing their own.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// A lock around `value`.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
