import Foundation
import GRDB

extension Store {
    /// Saves (replacing any earlier one) a stream's retrain buffer.
    ///
    /// - Parameters:
    ///   - values: `[count, dimension]` row-major little-endian Float32, `count * dimension * 4`
    ///     bytes.
    ///   - censored: per row, `count` little-endian UInt32 (`BufferSnapshot.censored`), or nil.
    ///   - saved: seconds since the Unix epoch (default: now).
    /// - Throws: `StoreError.unknownStream`, `StoreError.dimensionMismatch` (not the stream's
    ///   dimension), `StoreError.invalidArgument` (byte count does not match), `StoreError.readOnly`.
    public func saveBufferSnapshot(
        stream: String, dimension: Int, count: Int, values: Data, censored: Data? = nil,
        saved: Double = Date().timeIntervalSince1970
    ) throws {
        guard dimension > 0, count >= 0,
            count.multipliedReportingOverflow(by: dimension * 4).partialValue == values.count
        else {
            throw StoreError.invalidArgument(
                "buffer snapshot of \"\(stream)\": \(values.count) bytes is not count \(count) x "
                    + "dimension \(dimension) x 4")
        }
        if let censored, censored.count != count * 4 {
            throw StoreError.invalidArgument(
                "buffer snapshot of \"\(stream)\": \(censored.count) bytes of censored counts is not count \(count) x 4")
        }
        try write { db in
            guard let record = try Self.fetchStream(db, name: stream) else {
                throw StoreError.unknownStream(stream)
            }
            guard record.dimension == dimension else {
                throw StoreError.dimensionMismatch(
                    stream: stream, stored: record.dimension, given: dimension)
            }
            try db.execute(
                sql: """
                    INSERT INTO buffer_snapshots (stream_id, dimension, count, "values", saved, censored)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (stream_id) DO UPDATE SET dimension = excluded.dimension,
                        count = excluded.count, "values" = excluded."values", saved = excluded.saved,
                        censored = excluded.censored
                    """,
                arguments: [record.id, dimension, count, values, saved, censored])
        }
    }

    /// Saves a retrain buffer given as vectors of `Float` (all of the stream's dimension).
    ///
    /// - Throws: as `saveBufferSnapshot(stream:dimension:count:values:censored:saved:)`, and
    ///   `StoreError.invalidArgument` when the vectors differ in length.
    public func saveBufferSnapshot(
        stream: String, vectors: [[Float]], dimension: Int,
        saved: Double = Date().timeIntervalSince1970
    ) throws {
        var data = Data(capacity: vectors.count * dimension * 4)
        for (index, vector) in vectors.enumerated() {
            guard vector.count == dimension else {
                throw StoreError.invalidArgument(
                    "buffer vector \(index) has \(vector.count) values, not \(dimension)")
            }
            for value in vector {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
            }
        }
        try saveBufferSnapshot(
            stream: stream, dimension: dimension, count: vectors.count, values: data, saved: saved)
    }

    /// The saved retrain buffer of `stream`, or nil.
    ///
    /// - Throws: `StoreError.corruptRecord`.
    public func bufferSnapshot(stream: String) throws -> BufferSnapshot? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT s.name, b.dimension, b.count, b."values", b.saved, b.censored
                    FROM buffer_snapshots b JOIN streams s ON s.id = b.stream_id WHERE s.name = ?
                    """,
                arguments: [stream]
            ).map { row in
                BufferSnapshot(
                    stream: try row.decode(atIndex: 0), dimension: try row.decode(atIndex: 1),
                    count: try row.decode(atIndex: 2), values: try row.decode(atIndex: 3),
                    saved: try row.decode(atIndex: 4), censored: try row.decode(atIndex: 5))
            }
        }
    }
}

extension BufferSnapshot {
    /// The snapshot's vectors, `[count][dimension]`.
    public var vectors: [[Float]] {
        values.withUnsafeBytes { raw in
            (0..<count).map { row in
                (0..<dimension).map { column in
                    let offset = (row * dimension + column) * 4
                    return Float(bitPattern: UInt32(
                        littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                }
            }
        }
    }
}
