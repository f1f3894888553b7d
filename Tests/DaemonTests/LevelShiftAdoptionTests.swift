import Testing

@testable import Daemon

@Suite struct LevelShiftAdoptionTests {
    @Test("a reversion takes every feature the last shift moved back, within 30% of that move")
    func reversion() {
        let previous: [Float] = [4, 0, -2]
        #expect(LevelShiftAdoption.isReversion([-4, 0, 2], of: previous))
        #expect(LevelShiftAdoption.isReversion([-3.2, 0, 2.5], of: previous))
        // Another feature moving as well does not prevent it.
        #expect(LevelShiftAdoption.isReversion([-4, 7, 2], of: previous))
        // One of the moved features stays, goes further, or goes back only half way.
        #expect(!LevelShiftAdoption.isReversion([-4, 0, 0], of: previous))
        #expect(!LevelShiftAdoption.isReversion([4, 0, 2], of: previous))
        #expect(!LevelShiftAdoption.isReversion([-2, 0, 2], of: previous))
        // Nothing to revert, or a different width.
        #expect(!LevelShiftAdoption.isReversion([-4, 0, 2], of: [0, 0, 0]))
        #expect(!LevelShiftAdoption.isReversion([-4, 0], of: previous))
    }
}
