import Foundation

/// A time-ordered holdout of a series of rows: blocks of `blockSize` consecutive rows, every k-th
/// block held out (`k = max(2, round(1 / holdoutFraction))`), the held-out blocks alternating between
/// a calibration half and a check half.
///
/// The held-out rows span the whole series without sharing a block with the training rows, so a
/// held-out row is at least one row, and mostly several rows, away from its nearest training row.
/// This is the daemon's retrain split (its threshold is calibrated on `heldOut`); `aectl eval
/// --holdout blocks` uses it to reproduce the daemon offline. A random split of a time series is
/// more lenient: every held-out row then has trained-on neighbours one step away.
public struct BlockHoldout: Sendable, Equatable {
    /// Indices of the training rows, ascending.
    public var train: [Int]
    /// Indices of the held-out rows of the even held-out blocks (threshold calibration), ascending.
    public var calibrate: [Int]
    /// Indices of the held-out rows of the odd held-out blocks (the check of the threshold), ascending.
    public var check: [Int]

    /// Rows per block by default (the daemon's).
    public static let defaultBlockSize = 8

    /// All held-out rows: `calibrate` then `check`.
    public var heldOut: [Int] { calibrate + check }

    /// Splits rows `0..<count`.
    /// - Parameters:
    ///   - count: the number of rows (0 gives three empty parts).
    ///   - holdoutFraction: the share of blocks held out, in (0, 1); values above 0.5 hold out every
    ///     second block.
    ///   - blockSize: rows per block, at least 1.
    public init(count: Int, holdoutFraction: Double, blockSize: Int = BlockHoldout.defaultBlockSize) {
        precondition(holdoutFraction > 0 && holdoutFraction < 1, "BlockHoldout: holdoutFraction \(holdoutFraction) outside (0, 1)")
        precondition(blockSize > 0, "BlockHoldout: blockSize \(blockSize) must be positive")
        let every = max(2, Int((1 / holdoutFraction).rounded()))
        var train: [Int] = [], calibrate: [Int] = [], check: [Int] = []
        var heldBlocks = 0
        if count > 0 {
            for blockIndex in 0...((count - 1) / blockSize) {
                let rows = (blockIndex * blockSize)..<min(count, (blockIndex + 1) * blockSize)
                if blockIndex % every == every - 1 {
                    if heldBlocks % 2 == 0 { calibrate.append(contentsOf: rows) } else { check.append(contentsOf: rows) }
                    heldBlocks += 1
                } else {
                    train.append(contentsOf: rows)
                }
            }
        }
        self.train = train
        self.calibrate = calibrate
        self.check = check
    }
}
