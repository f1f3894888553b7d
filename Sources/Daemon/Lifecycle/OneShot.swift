import Foundation

/// A value set once by one thread and awaited by others, either blocking (`wait()`, for
/// threads) or suspending (`value`, for tasks, without holding a cooperative thread).
final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let lock = NSCondition()
    private var result: Value?
    private var waiters: [CheckedContinuation<Value, Never>] = []

    /// Sets the value and wakes every waiter; later calls are ignored.
    func set(_ value: Value) {
        lock.lock()
        guard result == nil else {
            lock.unlock()
            return
        }
        result = value
        let resumed = waiters
        waiters.removeAll()
        lock.broadcast()
        lock.unlock()
        for waiter in resumed { waiter.resume(returning: value) }
    }

    /// Blocks the calling thread until the value is set.
    func wait() -> Value {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let result { return result }
            lock.wait()
        }
    }

    /// Blocks the calling thread until the value is set or `timeout` seconds passed; nil then.
    func wait(timeout: Double) -> Value? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let result { return result }
            guard lock.wait(until: deadline) else { return result }
        }
    }

    /// Suspends until the value is set.
    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                lock.lock()
                if let result {
                    lock.unlock()
                    continuation.resume(returning: result)
                } else {
                    waiters.append(continuation)
                    lock.unlock()
                }
            }
        }
    }
}

/// Runs `body` on a new thread and suspends until it returns, so a bounded blocking wait (a
/// thread join, a queue drain) never holds one of the few cooperative threads.
func onOwnThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
    let done = OneShot<T>()
    let thread = Thread { done.set(body()) }
    thread.name = name
    thread.start()
    return await done.value
}
