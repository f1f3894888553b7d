import Wire

/// How a level shift's new level is found and adopted.
///
/// For each feature, the median over the shift window's vectors is compared with its median in
/// the retrain buffer, in units of the buffer's standard deviation (floored at 1e-3 of the
/// feature's magnitude, at least 1e-3, so a feature that never moved in training still gets a
/// finite figure). Features at least `movedSigmas` away moved. Adopting the shift adds each moved
/// feature's change of median to the buffered history (an additive level shift: the history now
/// looks like the new normal) and appends the window's vectors, so the retrain that follows
/// learns the new level from the whole buffer instead of the few vectors since the shift.
enum LevelShiftAdoption {
    /// Distance, in training standard deviations, from which a feature counts as moved.
    static let movedSigmas = 2.0
    /// Moved features named in a shift record.
    static let namedFeatures = 8

    /// The features that moved between `buffer` and `window` (both `[rows, dimension]`
    /// row-major), largest |sigmas| first, and the per-feature offsets (new median minus old,
    /// 0 for features that did not move).
    static func movedFeatures(buffer: [Float], window: [Float], dimension: Int) -> (moved: [MovedFeature], offsets: [Float]) {
        let bufferRows = buffer.count / dimension
        let windowRows = window.count / dimension
        var offsets = [Float](repeating: 0, count: dimension)
        guard bufferRows > 1, windowRows > 0 else { return ([], offsets) }
        var moved: [MovedFeature] = []
        var column = [Float](repeating: 0, count: bufferRows)
        var recent = [Float](repeating: 0, count: windowRows)
        for j in 0..<dimension {
            var sum = 0.0
            var squares = 0.0
            for row in 0..<bufferRows {
                let value = buffer[row * dimension + j]
                column[row] = value
                sum += Double(value)
                squares += Double(value) * Double(value)
            }
            let mean = sum / Double(bufferRows)
            let deviation = max(squares / Double(bufferRows) - mean * mean, 0).squareRoot()
            for row in 0..<windowRows { recent[row] = window[row * dimension + j] }
            let old = Double(median(&column))
            let new = Double(median(&recent))
            let scale = max(deviation, 1e-3 * max(abs(old), 1))
            let sigmas = (new - old) / scale
            guard sigmas.isFinite, abs(sigmas) >= movedSigmas else { continue }
            moved.append(MovedFeature(index: j, sigmas: sigmas))
            offsets[j] = Float(new - old)
        }
        moved.sort { abs($0.sigmas) > abs($1.sigmas) }
        return (moved, offsets)
    }

    /// Largest distance, as a share of the earlier offset, at which a feature counts as back at
    /// its level from before a shift.
    static let reversionTolerance: Float = 0.3

    /// Whether `offsets` (a storm's new level minus the buffer's, per feature) take every
    /// feature that `previous` (the last adopted shift's offsets) moved back to where it was,
    /// each within `reversionTolerance` of its earlier move. Features the earlier shift did not
    /// move may move too (they are adopted with the reversion).
    static func isReversion(_ offsets: [Float], of previous: [Float]) -> Bool {
        guard offsets.count == previous.count, previous.contains(where: { $0 != 0 }) else { return false }
        for (offset, earlier) in zip(offsets, previous) where earlier != 0 {
            guard offset != 0, abs(offset + earlier) <= reversionTolerance * abs(earlier) else { return false }
        }
        return true
    }

    /// The median of `values` (reordered in place).
    static func median(_ values: inout [Float]) -> Float {
        guard !values.isEmpty else { return 0 }
        values.sort()
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }
}
