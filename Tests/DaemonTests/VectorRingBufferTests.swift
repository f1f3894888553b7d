import Testing

@testable import Daemon

@Suite struct VectorRingBufferTests {
    @Test func keepsTheNewestInOrder() {
        var buffer = VectorRingBuffer(dimension: 2, capacity: 3)
        #expect(buffer.snapshot().isEmpty)
        buffer.append([1, 1])
        buffer.append([2, 2])
        #expect(buffer.snapshot() == [1, 1, 2, 2])
        buffer.append([3, 3])
        buffer.append([4, 4])
        buffer.append([5, 5])
        #expect(buffer.count == 3)
        #expect(buffer.totalAppended == 5)
        #expect(buffer.snapshot() == [3, 3, 4, 4, 5, 5])
    }

    @Test func restoresTheNewestRowsOfASnapshot() {
        let restored = VectorRingBuffer(dimension: 1, capacity: 3, restoring: [1, 2, 3, 4, 5])
        #expect(restored.snapshot() == [3, 4, 5])
        var grown = VectorRingBuffer(dimension: 1, capacity: 4, restoring: [7, 8])
        grown.append([9])
        #expect(grown.snapshot() == [7, 8, 9])
    }
}
