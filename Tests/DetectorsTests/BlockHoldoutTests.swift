import Detectors
import Testing

@Suite struct BlockHoldoutTests {
    @Test func everyFourthBlockOfEightIsHeldOutAlternatingBetweenHalves() {
        let split = BlockHoldout(count: 100, holdoutFraction: 0.25)
        // Blocks 3, 7, 11 are held out (rows 24..<32, 56..<64, 88..<96): calibrate, check, calibrate.
        #expect(split.calibrate == Array(24..<32) + Array(88..<96))
        #expect(split.check == Array(56..<64))
        #expect(split.heldOut == split.calibrate + split.check)
        #expect(split.train.count == 100 - 24)
    }

    @Test(arguments: [(23697, 0.25), (400, 0.25), (7, 0.25), (1000, 0.1), (1000, 0.6)])
    func partitionsTheRowsAndNeverSharesABlock(count: Int, fraction: Double) {
        let split = BlockHoldout(count: count, holdoutFraction: fraction)
        let all = (split.train + split.calibrate + split.check).sorted()
        #expect(all == Array(0..<count))
        let trainBlocks = Set(split.train.map { $0 / BlockHoldout.defaultBlockSize })
        let heldBlocks = Set(split.heldOut.map { $0 / BlockHoldout.defaultBlockSize })
        #expect(trainBlocks.isDisjoint(with: heldBlocks))
        let every = max(2, Int((1 / fraction).rounded()))
        #expect(heldBlocks.allSatisfy { $0 % every == every - 1 })
    }

    @Test func emptySeriesGivesEmptyParts() {
        let split = BlockHoldout(count: 0, holdoutFraction: 0.25)
        #expect(split.train.isEmpty && split.heldOut.isEmpty)
    }
}
