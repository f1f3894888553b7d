#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension WireDecoder {
    /// Decodes an `AEV1` payload: header checks, one `memcpy` of the rows, a finiteness check
    /// per row (non-finite rows and rows with an implausible timestamp are dropped and counted).
    func decodeBinary(_ payload: UnsafeRawBufferPointer, into batch: inout VectorBatch,
                      outcome: inout DecodeOutcome, rejections: inout RejectionCounts) {
        guard payload.count >= BinaryFormat.headerSize else {
            outcome.reject(WireRejection(.size, detail: "AEV1 header needs 16 bytes, got \(payload.count)"), into: &rejections)
            return
        }
        let dimension = Int(UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let count = Int(UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let flags = UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        guard flags & ~BinaryFormat.knownFlags == 0 else {
            outcome.reject(WireRejection(.malformed, detail: "unknown flag bits 0x\(String(flags, radix: 16))"), into: &rejections)
            return
        }
        guard count > 0 else {
            outcome.reject(WireRejection(.empty, detail: "AEV1 batch with count 0"), into: &rejections)
            return
        }
        guard let expectedSize = BinaryFormat.payloadSize(dimension: dimension, count: count, flags: flags) else {
            outcome.reject(WireRejection(.size, detail: "dim \(dimension) × count \(count) overflows"), into: &rejections)
            return
        }
        guard expectedSize == payload.count else {
            outcome.reject(WireRejection(.size, detail: "\(payload.count) bytes, header says \(expectedSize) (dim \(dimension), count \(count))"), into: &rejections)
            return
        }
        guard dimension > 0 else {
            outcome.reject(WireRejection(.dimension, detail: "dim 0"), into: &rejections)
            return
        }
        if let fixed = batch.dimension, fixed != dimension {
            outcome.reject(WireRejection(.dimension, count: count, detail: "dim \(dimension) != \(fixed)"), into: &rejections)
            return
        }

        let start = batch.count
        batch.reserve(vectors: start + count, dimension: dimension)
        var offset = BinaryFormat.headerSize
        let timestampsOffset = flags & BinaryFormat.timestampsFlag != 0 ? offset : nil
        if timestampsOffset != nil { offset += 8 * count }
        let sequenceOffset = flags & BinaryFormat.sequenceNumbersFlag != 0 ? offset : nil
        if sequenceOffset != nil { offset += 8 * count }
        let valuesOffset = offset

        var badTimestamps = false
        if let timestampsOffset {
            for row in 0..<count where isImplausible(timestamp: Double(bitPattern: UInt64(littleEndian:
                payload.loadUnaligned(fromByteOffset: timestampsOffset + 8 * row, as: UInt64.self)))) {
                badTimestamps = true
                break
            }
        }
        var nonfiniteRows = 0
        var timestampRows = 0
        var firstBadTimestamp: Double?
        var written = start
        batch.valueStorage.withUnsafeMutableBufferPointer { values in
            batch.timestampStorage.withUnsafeMutableBufferPointer { timestamps in
                batch.sequenceStorage.withUnsafeMutableBufferPointer { sequences in
                    guard let valuesBase = values.baseAddress, let source = payload.baseAddress else { return }
                    // One copy of all rows (little-endian host; big-endian swaps below).
                    memcpy(valuesBase + start * dimension, source + valuesOffset, count * dimension * 4)
                    #if _endian(big)
                    for index in (start * dimension)..<((start + count) * dimension) {
                        values[index] = Float(bitPattern: UInt32(littleEndian: values[index].bitPattern))
                    }
                    #endif
                    let rowBits = UnsafeMutableRawPointer(valuesBase).assumingMemoryBound(to: UInt32.self)
                    // Fast path: no non-finite value in the whole block (checked 16 lanes at a time)
                    // and no implausible timestamp.
                    if !badTimestamps && !WireDecoder.containsNonFinite(rowBits + start * dimension, count: count * dimension) {
                        if let timestampsOffset {
                            for row in 0..<count {
                                // A non-finite timestamp means "none": receive time is used.
                                let timestamp = Double(bitPattern: UInt64(littleEndian:
                                    payload.loadUnaligned(fromByteOffset: timestampsOffset + 8 * row, as: UInt64.self)))
                                timestamps[start + row] = timestamp.isFinite ? timestamp : .nan
                            }
                        } else {
                            for row in 0..<count { timestamps[start + row] = .nan }
                        }
                        if let sequenceOffset {
                            for row in 0..<count {
                                sequences[start + row] = UInt64(littleEndian:
                                    payload.loadUnaligned(fromByteOffset: sequenceOffset + 8 * row, as: UInt64.self))
                            }
                        } else {
                            for row in 0..<count { sequences[start + row] = VectorBatch.noSequenceNumber }
                        }
                        written = start + count
                        return
                    }
                    for row in 0..<count {
                        // A float is non-finite exactly when its exponent bits are all ones.
                        let rowStart = (start + row) * dimension
                        if WireDecoder.containsNonFinite(rowBits + rowStart, count: dimension) {
                            nonfiniteRows += 1
                            continue
                        }
                        if let timestampsOffset {
                            let timestamp = Double(bitPattern: UInt64(littleEndian:
                                payload.loadUnaligned(fromByteOffset: timestampsOffset + 8 * row, as: UInt64.self)))
                            if isImplausible(timestamp: timestamp) {
                                timestampRows += 1
                                firstBadTimestamp = firstBadTimestamp ?? timestamp
                                continue
                            }
                        }
                        if written != start + row {
                            memmove(valuesBase + written * dimension, valuesBase + rowStart, dimension * 4)
                        }
                        if let timestampsOffset {
                            // A non-finite timestamp means "none": receive time is used.
                            let timestamp = Double(bitPattern: UInt64(littleEndian:
                                payload.loadUnaligned(fromByteOffset: timestampsOffset + 8 * row, as: UInt64.self)))
                            timestamps[written] = timestamp.isFinite ? timestamp : .nan
                        } else {
                            timestamps[written] = .nan
                        }
                        if let sequenceOffset {
                            sequences[written] = UInt64(littleEndian:
                                payload.loadUnaligned(fromByteOffset: sequenceOffset + 8 * row, as: UInt64.self))
                        } else {
                            sequences[written] = VectorBatch.noSequenceNumber
                        }
                        written += 1
                    }
                }
            }
        }
        let accepted = written - start
        if accepted > 0 {
            batch.fixDimension(dimension)
            batch.setCount(written)
        }
        outcome.accepted += accepted
        if nonfiniteRows > 0 {
            outcome.reject(WireRejection(.nonfinite, count: nonfiniteRows, detail: "NaN or infinite value"), into: &rejections)
        }
        if timestampRows > 0, let firstBadTimestamp {
            outcome.reject(WireRejection(.timestamp, count: timestampRows, detail: timestampDetail(firstBadTimestamp)), into: &rejections)
        }
    }
}

extension WireDecoder {
    /// True when any of `count` floats (as bit patterns) at `bits` is NaN or infinite.
    ///
    /// A float is non-finite exactly when its exponent bits are all ones; then
    /// `(bits & 0x7FFFFFFF) + 0x00800000` carries into bit 31, and for finite floats it does
    /// not. OR-ing that over the block is branch-free and vectorizes.
    @inline(__always)
    static func containsNonFinite(_ bits: UnsafePointer<UInt32>, count: Int) -> Bool {
        var accumulator: UInt32 = 0
        for index in 0..<count {
            accumulator |= (bits[index] & 0x7FFF_FFFF) &+ 0x0080_0000
        }
        return accumulator & 0x8000_0000 != 0
    }
}

extension WireDecoder {
    /// The log detail for an implausible timestamp, with the milliseconds hint.
    func timestampDetail(_ timestamp: Double) -> String {
        if timestamp < 0 { return "ts \(timestamp) is negative" }
        let hint = timestamp / 1000 <= maximumTimestamp ? " (milliseconds instead of seconds?)" : ""
        return "ts \(timestamp) s beyond \(maximumTimestamp)\(hint)"
    }
}
