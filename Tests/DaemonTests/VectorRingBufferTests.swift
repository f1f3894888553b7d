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

    @Test("censored vectors are attached to the next row, roll off with it, and can be forgotten newest first")
    func censoredCounts() {
        var buffer = VectorRingBuffer(dimension: 1, capacity: 3)
        buffer.noteCensored()
        buffer.noteCensored()
        buffer.append([1])
        buffer.append([2])
        buffer.noteCensored()
        buffer.append([3])
        #expect(buffer.censoredCounts() == [2, 0, 1])
        buffer.noteCensored()
        buffer.append([4])
        #expect(buffer.snapshot() == [2, 3, 4])
        #expect(buffer.censoredCounts() == [0, 1, 1])
        buffer.noteCensored()
        // One pending, one on row 4, one on row 3; forgetting 2 takes the pending one and row 4's.
        buffer.forgetCensored(2)
        buffer.append([5])
        #expect(buffer.censoredCounts() == [1, 0, 0])
        buffer.forgetCensored(10)
        #expect(buffer.censoredCounts() == [0, 0, 0])

        let restored = VectorRingBuffer(dimension: 1, capacity: 2, restoring: [1, 2, 3], censored: [4, 5, 6])
        #expect(restored.snapshot() == [2, 3])
        #expect(restored.censoredCounts() == [5, 6])
        let older = VectorRingBuffer(dimension: 1, capacity: 4, restoring: [1, 2])
        #expect(older.censoredCounts() == [0, 0])
    }

    @Test func restoresTheNewestRowsOfASnapshot() {
        let restored = VectorRingBuffer(dimension: 1, capacity: 3, restoring: [1, 2, 3, 4, 5])
        #expect(restored.snapshot() == [3, 4, 5])
        var grown = VectorRingBuffer(dimension: 1, capacity: 4, restoring: [7, 8])
        grown.append([9])
        #expect(grown.snapshot() == [7, 8, 9])
    }
}
