import Foundation

/// A blocking FIFO queue between threads: `put` never blocks, `take` waits up to a timeout.
final class BlockingQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false

    /// Appends `item` and wakes one waiter; returns false after `close()`.
    @discardableResult func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(item)
        condition.signal()
        return true
    }

    /// Appends `newItems` in one lock.
    @discardableResult func put(contentsOf newItems: [Element]) -> Bool {
        guard !newItems.isEmpty else { return true }
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(contentsOf: newItems)
        condition.signal()
        return true
    }

    /// Everything queued, waiting up to `timeout` seconds for at least one item; empty on
    /// timeout, and `nil` once closed and drained.
    func takeAll(timeout: Double) -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        if items.isEmpty && !closed {
            _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        }
        if items.isEmpty { return closed ? nil : [] }
        let taken = items
        items.removeAll(keepingCapacity: true)
        return taken
    }

    /// The number of queued items.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }

    /// Refuses new items; `takeAll` drains what is left and then returns `nil`.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
