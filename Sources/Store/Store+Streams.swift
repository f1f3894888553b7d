import Foundation
import GRDB

extension Store {
    /// Registers a stream, or returns the registered one when its dimension matches.
    ///
    /// - Parameters:
    ///   - name: the stream name, 1-128 bytes of `[A-Za-z0-9._:/-]` (the wire format's rule).
    ///   - dimension: features per vector, greater than 0.
    ///   - created: registration time in seconds since the Unix epoch (default: now); ignored
    ///     when the stream exists.
    /// - Throws: `StoreError.invalidArgument` for a bad name or dimension,
    ///   `StoreError.dimensionMismatch` when the stream exists with another dimension,
    ///   `StoreError.readOnly`.
    @discardableResult
    public func upsertStream(
        name: String, dimension: Int, created: Double = Date().timeIntervalSince1970
    ) throws -> StreamRecord {
        try Self.validateStreamName(name)
        guard dimension > 0 else {
            throw StoreError.invalidArgument("dimension of stream \"\(name)\" must be > 0, got \(dimension)")
        }
        return try write { db in
            if let existing = try Self.fetchStream(db, name: name) {
                guard existing.dimension == dimension else {
                    throw StoreError.dimensionMismatch(
                        stream: name, stored: existing.dimension, given: dimension)
                }
                return existing
            }
            try db.execute(
                sql: "INSERT INTO streams (name, dimension, created) VALUES (?, ?, ?)",
                arguments: [name, dimension, created])
            return StreamRecord(
                id: db.lastInsertedRowID, name: name, dimension: dimension, created: created)
        }
    }

    /// All registered streams, by name.
    public func streams() throws -> [StreamRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, dimension, created FROM streams ORDER BY name")
                .map(Self.decodeStream)
        }
    }

    /// The stream named `name`, or nil.
    public func stream(named name: String) throws -> StreamRecord? {
        try read { db in try Self.fetchStream(db, name: name) }
    }

    static func fetchStream(_ db: Database, name: String) throws -> StreamRecord? {
        try Row.fetchOne(
            db, sql: "SELECT id, name, dimension, created FROM streams WHERE name = ?",
            arguments: [name]
        ).map(decodeStream)
    }

    /// The row id of stream `name`.
    ///
    /// - Throws: `StoreError.unknownStream`.
    static func streamID(_ db: Database, name: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM streams WHERE name = ?", arguments: [name])
        else { throw StoreError.unknownStream(name) }
        return id
    }

    static func decodeStream(_ row: Row) throws -> StreamRecord {
        StreamRecord(
            id: try row.decode(atIndex: 0), name: try row.decode(atIndex: 1),
            dimension: try row.decode(atIndex: 2), created: try row.decode(atIndex: 3))
    }

    /// Checks a stream name against the wire format: 1-128 bytes of `[A-Za-z0-9._:/-]`.
    static func validateStreamName(_ name: String) throws {
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
        guard (1...128).contains(bytes.count), allowed else {
            throw StoreError.invalidArgument(
                "stream name \"\(name)\" must be 1-128 bytes of [A-Za-z0-9._:/-]")
        }
    }

    /// Checks a detector kind: 1-64 bytes.
    static func validateDetector(_ detector: String) throws {
        guard (1...64).contains(detector.utf8.count) else {
            throw StoreError.invalidArgument("detector kind \"\(detector)\" must be 1-64 bytes")
        }
    }
}
