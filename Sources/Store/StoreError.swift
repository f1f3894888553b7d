/// An error thrown by the store for bad input, a foreign or newer database, or corrupt rows.
///
/// Errors of SQLite itself (disk full, I/O errors) are passed through as GRDB's `DatabaseError`.
public enum StoreError: Error, Equatable, Sendable {
    /// The database was written by a newer aed (schema version `found`, this build knows up to
    /// `supported`); it was opened without being modified.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The file is an SQLite database that aed did not create (other tables, or another
    /// `application_id`); it was not modified.
    case foreignDatabase(path: String, reason: String)
    /// The database file does not exist (read-only opens never create it).
    case missingDatabase(path: String)
    /// A write was attempted on a store opened with `Store.openReadOnly(path:)`.
    case readOnly
    /// No stream with this name was registered with `upsertStream(name:dimension:)`.
    case unknownStream(String)
    /// The stream exists with another dimension; a stream's dimension is fixed.
    case dimensionMismatch(stream: String, stored: Int, given: Int)
    /// An argument is out of its domain (the message names it and the value).
    case invalidArgument(String)
    /// No model with this id exists.
    case unknownModel(id: Int64)
    /// A stored model's blobs do not match the checksum recorded when it was saved.
    case checksumMismatch(modelID: Int64, stored: String, computed: String)
    /// A stored row cannot be decoded (the message says which table and column).
    case corruptRecord(String)
}

extension StoreError: CustomStringConvertible {
    /// A one-line message for operators.
    public var description: String {
        switch self {
        case let .newerSchema(path, found, supported):
            return "database \(path) has schema version \(found), but this aed supports up to "
                + "\(supported); it was written by a newer aed and was left unchanged"
        case let .foreignDatabase(path, reason):
            return "database \(path) was not created by aed (\(reason)); it was left unchanged"
        case let .missingDatabase(path):
            return "database \(path) does not exist"
        case .readOnly:
            return "the store was opened read-only"
        case let .unknownStream(name):
            return "unknown stream \"\(name)\""
        case let .dimensionMismatch(stream, stored, given):
            return "stream \"\(stream)\" has dimension \(stored), not \(given)"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        case let .unknownModel(id):
            return "no model with id \(id)"
        case let .checksumMismatch(modelID, stored, computed):
            return "model \(modelID) is corrupt: checksum \(computed) does not match stored \(stored)"
        case let .corruptRecord(message):
            return "corrupt record: \(message)"
        }
    }
}
