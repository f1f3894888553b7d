extension WireDecoder {
    /// One vector object's fields as parsed.
    struct ParsedVector {
        var hasValues = false
        var timestamp = Double.nan
        var sequenceNumber = VectorBatch.noSequenceNumber
        /// Values outside `Float` range or NaN/infinity literals were seen.
        var nonfinite = false
    }

    /// Decodes a JSON payload: `{"values": [...], "ts": t, "seq": n}` or
    /// `{"batch": [{...}, ...]}`. A syntax error rejects the whole message (one `.malformed`)
    /// and leaves `batch` untouched; inside a batch, vectors of the wrong dimension or with
    /// non-finite values are rejected one by one.
    mutating func decodeJSON(_ bytes: UnsafeBufferPointer<UInt8>, into batch: inout VectorBatch,
                             outcome: inout DecodeOutcome, rejections: inout RejectionCounts) {
        let startCount = batch.count
        let startDimension = batch.dimension
        var local = RejectionCounts()
        var localOutcome = DecodeOutcome()
        do throws(WireRejection) {
            var scanner = JSONScanner(bytes)
            try scanner.expect(UInt8(ascii: "{"))
            var single = ParsedVector()
            var sawBatch = false
            var sawTimestamp = false
            var sawSequence = false
            var emptyBatch = false
            if try !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let key = try scanner.key()
                    if scanner.keyEquals(key, "values") {
                        guard !single.hasValues else { throw JSONScanner.malformed("duplicate key values") }
                        try parseValues(&scanner, into: &single)
                    } else if scanner.keyEquals(key, "ts") {
                        guard !sawTimestamp else { throw JSONScanner.malformed("duplicate key ts") }
                        sawTimestamp = true
                        single.timestamp = try parseTimestamp(&scanner)
                    } else if scanner.keyEquals(key, "seq") {
                        guard !sawSequence else { throw JSONScanner.malformed("duplicate key seq") }
                        sawSequence = true
                        single.sequenceNumber = try parseSequence(&scanner)
                    } else if scanner.keyEquals(key, "batch") {
                        guard !sawBatch else { throw JSONScanner.malformed("duplicate key batch") }
                        sawBatch = true
                        emptyBatch = try parseBatch(&scanner, into: &batch, outcome: &localOutcome, rejections: &local)
                    } else {
                        try scanner.skipValue()
                    }
                } while try scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"))
            }
            guard scanner.atEnd() else { throw JSONScanner.malformed("trailing bytes after the JSON object") }
            if sawBatch {
                guard !single.hasValues else { throw JSONScanner.malformed("both values and batch") }
                guard !emptyBatch else { throw WireRejection(.empty, detail: "empty batch") }
            } else {
                guard single.hasValues else { throw JSONScanner.malformed("no values or batch") }
                commit(single, into: &batch, outcome: &localOutcome, rejections: &local)
            }
        } catch {
            batch.setCount(startCount)
            batch.restoreDimension(startDimension)
            outcome.reject(error, into: &rejections)
            return
        }
        outcome.accepted += localOutcome.accepted
        outcome.rejected += localOutcome.rejected
        if let last = localOutcome.lastRejection { outcome.lastRejection = last }
        rejections.add(local)
    }

    /// Parses `[x0, x1, ...]` into `scratch`.
    mutating func parseValues(_ scanner: inout JSONScanner, into vector: inout ParsedVector) throws(WireRejection) {
        try scanner.expect(UInt8(ascii: "["))
        scratch.removeAll(keepingCapacity: true)
        vector.hasValues = true
        vector.nonfinite = false
        if try scanner.consume(UInt8(ascii: "]")) { return }
        let bytes = scanner.bytes
        while true {
            // Fast path: a plain number right at the cursor (the compact form publishers write).
            let start = scanner.index
            let value: Float
            if start < bytes.count, bytes[start] != UInt8(ascii: "N"), bytes[start] != UInt8(ascii: "I"),
               let scan = DecimalNumber.scan(bytes, from: start), scan.end - start <= DecimalNumber.maximumTokenLength {
                scanner.index = scan.end
                value = DecimalNumber.float(scan, bytes, from: start)
            } else {
                value = try scanner.float()
            }
            if !value.isFinite { vector.nonfinite = true }
            scratch.append(value)
            if scanner.index < bytes.count && bytes[scanner.index] == UInt8(ascii: ",") {
                scanner.index += 1
                continue
            }
            if try scanner.consume(UInt8(ascii: ",")) { continue }
            break
        }
        try scanner.expect(UInt8(ascii: "]"))
    }

    /// Parses `"ts"`: a finite number of seconds, or `null` for none.
    func parseTimestamp(_ scanner: inout JSONScanner) throws(WireRejection) -> Double {
        if try scanner.peek() == UInt8(ascii: "n") {
            guard scanner.matchLiteral("null") else { throw JSONScanner.malformed("invalid literal") }
            return .nan
        }
        return try scanner.double()
    }

    /// Parses `"seq"`: a non-negative integer, or `null` for none.
    func parseSequence(_ scanner: inout JSONScanner) throws(WireRejection) -> UInt64 {
        if try scanner.peek() == UInt8(ascii: "n") {
            guard scanner.matchLiteral("null") else { throw JSONScanner.malformed("invalid literal") }
            return VectorBatch.noSequenceNumber
        }
        return try scanner.unsignedInteger()
    }

    /// Parses `[{...}, ...]`, committing each vector as it completes; returns true when the
    /// batch is empty (`[]`), which the caller rejects once the whole object is known to be valid.
    mutating func parseBatch(_ scanner: inout JSONScanner, into batch: inout VectorBatch,
                             outcome: inout DecodeOutcome, rejections: inout RejectionCounts) throws(WireRejection) -> Bool {
        try scanner.expect(UInt8(ascii: "["))
        if try scanner.consume(UInt8(ascii: "]")) { return true }
        repeat {
            try scanner.expect(UInt8(ascii: "{"))
            var item = ParsedVector()
            var sawTimestamp = false
            var sawSequence = false
            if try !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let key = try scanner.key()
                    if scanner.keyEquals(key, "values") {
                        guard !item.hasValues else { throw JSONScanner.malformed("duplicate key values") }
                        try parseValues(&scanner, into: &item)
                    } else if scanner.keyEquals(key, "ts") {
                        guard !sawTimestamp else { throw JSONScanner.malformed("duplicate key ts") }
                        sawTimestamp = true
                        item.timestamp = try parseTimestamp(&scanner)
                    } else if scanner.keyEquals(key, "seq") {
                        guard !sawSequence else { throw JSONScanner.malformed("duplicate key seq") }
                        sawSequence = true
                        item.sequenceNumber = try parseSequence(&scanner)
                    } else {
                        try scanner.skipValue()
                    }
                } while try scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"))
            }
            guard item.hasValues else { throw JSONScanner.malformed("batch item without values") }
            commit(item, into: &batch, outcome: &outcome, rejections: &rejections)
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
        return false
    }

    /// Appends the vector in `scratch`, or counts why it cannot be appended.
    func commit(_ vector: ParsedVector, into batch: inout VectorBatch,
                outcome: inout DecodeOutcome, rejections: inout RejectionCounts) {
        let dimension = scratch.count
        if let fixed = batch.dimension, fixed != dimension {
            outcome.reject(WireRejection(.dimension, detail: "dim \(dimension) != \(fixed)"), into: &rejections)
            return
        }
        guard dimension > 0 else {
            outcome.reject(WireRejection(.dimension, detail: "empty values"), into: &rejections)
            return
        }
        if vector.nonfinite {
            outcome.reject(WireRejection(.nonfinite, detail: "NaN, infinite or outside Float range"), into: &rejections)
            return
        }
        if isImplausible(timestamp: vector.timestamp) {
            outcome.reject(WireRejection(.timestamp, detail: timestampDetail(vector.timestamp)), into: &rejections)
            return
        }
        let row = batch.count
        batch.reserve(vectors: row + 1, dimension: dimension)
        batch.valueStorage.withUnsafeMutableBufferPointer { values in
            scratch.withUnsafeBufferPointer { source in
                guard let target = values.baseAddress, let from = source.baseAddress else { return }
                (target + row * dimension).update(from: from, count: dimension)
            }
        }
        batch.timestampStorage[row] = vector.timestamp
        batch.sequenceStorage[row] = vector.sequenceNumber
        batch.fixDimension(dimension)
        batch.setCount(row + 1)
        outcome.accepted += 1
    }
}
