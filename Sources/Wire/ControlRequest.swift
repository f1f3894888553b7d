import Foundation

/// A request of the control protocol (aectl to aed), JSON with a `cmd` discriminator:
/// `{"cmd": "status"}`, `{"cmd": "retrain", "streams": ["s1"], "wait": true, "accept_shift": false}`,
/// `{"cmd": "alerts", "stream": "s1", "since": 0, "limit": 100}` (DESIGN.md, "Control protocol").
public enum ControlRequest: Sendable, Equatable, Codable {
    /// Daemon, ingest and per-stream status; answered by `StatusReply`.
    case status
    /// Start a retrain of `streams` (empty = all); with `wait`, reply when it ended
    /// (`RetrainReply`). With `acceptShift`, each stream's open level shift (recorded under
    /// `shift_policy = "alert"`) is adopted first: its vectors join the retrain buffer and the
    /// moved features' history is moved to the new level (docs/DESIGN.md, "Level shifts").
    case retrain(streams: [String], wait: Bool, acceptShift: Bool = false)
    /// Stored alerts, newest first: of `stream` (nil = all), with vector time at or after `since`
    /// (seconds since the Unix epoch, nil = all), at most `limit` (1 to `maximumAlertsLimit`,
    /// nil = the daemon's default); answered by `AlertsReply`.
    case alerts(stream: String?, since: Double?, limit: Int?)

    private enum CodingKeys: String, CodingKey {
        case cmd, streams, wait, stream, since, limit
        case acceptShift = "accept_shift"
    }

    /// The `cmd` value.
    public var command: String {
        switch self {
        case .status: "status"
        case .retrain: "retrain"
        case .alerts: "alerts"
        }
    }

    /// The largest `limit` of an alerts request; larger ones are rejected, not capped.
    public static let maximumAlertsLimit = 100_000

    /// The largest request aed reads, in bytes of its JSON frame (1 MiB). A larger one, up to
    /// 16 MiB, is answered with an error reply naming this limit; beyond that libzmq drops the
    /// connection before aed sees it, and the client waits out its timeout.
    public static let maximumRequestBytes = 1 << 20

    /// The commands, in the order error messages list them.
    public static let commands = ["status", "retrain", "alerts"]

    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw RequestFieldError(#"request must be a JSON object such as {"cmd": "status"}"#)
        }
        let commandList = "\(Self.commands[0]), \(Self.commands[1]) or \(Self.commands[2])"
        guard container.contains(.cmd) else { throw RequestFieldError("missing \"cmd\" (one of \(commandList))") }
        guard let command = try? container.decode(String.self, forKey: .cmd) else {
            throw RequestFieldError("cmd must be a string: \(commandList)")
        }
        switch command {
        case "status":
            self = .status
        case "retrain":
            self = .retrain(streams: try container.decodeIfPresent([String].self, forKey: .streams) ?? [],
                            wait: try container.decodeIfPresent(Bool.self, forKey: .wait) ?? false,
                            acceptShift: try container.decodeIfPresent(Bool.self, forKey: .acceptShift) ?? false)
        case "alerts":
            let limitMessage = "limit must be an integer between 1 and \(Self.maximumAlertsLimit)"
            var limit: Int?
            if container.contains(.limit), try !container.decodeNil(forKey: .limit) {
                guard let value = try? container.decode(Double.self, forKey: .limit), value.isFinite,
                      value == value.rounded(), value >= 1, value <= Double(Self.maximumAlertsLimit) else {
                    throw RequestFieldError(limitMessage)
                }
                limit = Int(value)
            }
            var since: Double?
            if container.contains(.since), try !container.decodeNil(forKey: .since) {
                guard let value = try? container.decode(Double.self, forKey: .since), value.isFinite else {
                    throw RequestFieldError("since must be a number of seconds since the Unix epoch")
                }
                since = value
            }
            self = .alerts(stream: try container.decodeIfPresent(String.self, forKey: .stream), since: since, limit: limit)
        default:
            throw RequestFieldError("unknown cmd \"\(command)\"; cmd must be one of \(commandList)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(command, forKey: .cmd)
        switch self {
        case .status:
            break
        case .retrain(let streams, let wait, let acceptShift):
            try container.encode(streams, forKey: .streams)
            try container.encode(wait, forKey: .wait)
            if acceptShift { try container.encode(true, forKey: .acceptShift) }
        case .alerts(let stream, let since, let limit):
            try container.encodeIfPresent(stream, forKey: .stream)
            try container.encodeIfPresent(since, forKey: .since)
            try container.encodeIfPresent(limit, forKey: .limit)
        }
    }

    /// Parses a request frame.
    ///
    /// - Throws: `ControlProtocolError.badRequest` naming what is wrong (not JSON, no or an
    ///   unknown `cmd`, a field of the wrong type); the server answers it with `ControlReply.error`.
    public static func decode(_ bytes: [UInt8]) throws(ControlProtocolError) -> ControlRequest {
        do {
            return try JSONDecoder().decode(ControlRequest.self, from: Data(bytes))
        } catch let error as RequestFieldError {
            throw .badRequest(error.message)
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw .badRequest("request is not valid JSON")
        } catch let DecodingError.dataCorrupted(context) {
            throw .badRequest(context.debugDescription)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .badRequest("missing \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .badRequest("wrong type for \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\"")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .badRequest("null for \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\"")
        } catch {
            throw .badRequest("request is not valid")
        }
    }

    /// The request as a JSON frame.
    public func encoded() -> [UInt8] {
        (try? ControlCoding.encoder.encode(self)).map { Array($0) } ?? Array(#"{"cmd":"status"}"#.utf8)
    }
}

/// A request field with a bad value, carrying the message the client sees.
struct RequestFieldError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Errors of the control protocol.
public enum ControlProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A request the daemon cannot parse.
    case badRequest(String)
    /// The daemon answered `{"ok": false, "error": ...}`.
    case daemon(String)
    /// A reply that is not the JSON the client expected.
    case badReply(String)
    /// No reply within the timeout (milliseconds) from the endpoint.
    case timeout(endpoint: String, milliseconds: Int32)
    /// The socket failed (bad endpoint, ...).
    case transport(ZMQErrorDescription)

    public var description: String {
        switch self {
        case .badRequest(let message): "bad request: \(message)"
        case .daemon(let message): "aed: \(message)"
        case .badReply(let message): "bad reply from aed: \(message)"
        case .timeout(let endpoint, let milliseconds):
            "no reply from aed at \(endpoint) within \(milliseconds) ms (is aed running? see --control or AED_CONTROL"
                + (endpoint.hasPrefix("tcp://")
                    ? "; a CURVE endpoint answers only a client with its server key (--curve-server-key) and an authorized key pair (--curve-key))"
                    : ")")
        case .transport(let error): "control socket: \(error.text)"
        }
    }
}

/// A transport error's text, kept `Equatable` for the protocol error.
public struct ZMQErrorDescription: Sendable, Equatable {
    /// The error text.
    public let text: String
}

/// The shared JSON coders of the control protocol (sorted keys, so output is stable).
enum ControlCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}
