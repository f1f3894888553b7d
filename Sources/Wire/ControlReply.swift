import Foundation

/// Building and reading control replies: `{"ok": true, ...}` or `{"ok": false, "error": "..."}`.
public enum ControlReply {
    /// The `{"ok": false, "error": message}` frame.
    public static func error(_ message: String) -> [UInt8] {
        let reply = ErrorReply(ok: false, error: message)
        return (try? ControlCoding.encoder.encode(reply)).map { Array($0) } ?? Array(#"{"ok":false,"error":"internal"}"#.utf8)
    }

    /// A success frame: `value` encoded as JSON (its `ok` must be true).
    ///
    /// - Throws: `EncodingError` if `value` cannot be encoded.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try ControlCoding.encoder.encode(value))
    }

    /// Reads a reply frame as `T` after checking `ok`.
    ///
    /// - Throws: `ControlProtocolError.daemon` with the daemon's message when `ok` is false;
    ///   `.badReply` when the frame is not the expected JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(ControlProtocolError) -> T {
        let data = Data(bytes)
        let envelope: Envelope
        do {
            envelope = try ControlCoding.decoder.decode(Envelope.self, from: data)
        } catch {
            throw .badReply("not a control reply (\(bytes.count) bytes)")
        }
        guard envelope.ok else { throw .daemon(envelope.error ?? "request failed") }
        do {
            return try ControlCoding.decoder.decode(T.self, from: data)
        } catch {
            throw .badReply("\(error)")
        }
    }

    struct Envelope: Decodable {
        let ok: Bool
        let error: String?
    }

    struct ErrorReply: Encodable {
        let ok: Bool
        let error: String
    }
}
