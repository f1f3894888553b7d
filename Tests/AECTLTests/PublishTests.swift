import ArgumentParser
import Foundation
import Testing
import Wire
import ZeroMQ
@testable import AECTLKit

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryCSV(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString.prefix(8)).csv")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// Receives and decodes messages from `sub` until `expected` vectors arrived or a receive
/// times out.
func drain(_ sub: Socket, expected: Int) throws -> (batch: VectorBatch, counts: RejectionCounts, messages: Int) {
    var batch = VectorBatch()
    var counts = RejectionCounts()
    var decoder = WireDecoder()
    let message = MultipartMessage()
    var messages = 0
    while batch.count < expected, try sub.receiveMultipart(into: message) {
        messages += 1
        guard (try? WireDecoder.stream(of: message)) != nil else { continue }
        _ = decoder.decodePayload(of: message, into: &batch, rejections: &counts)
    }
    return (batch, counts, messages)
}

/// The result of a publish run on a background thread.
final class PublishResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<PublishReport, PublishError>?
    private let finished = DispatchSemaphore(value: 0)

    /// Runs `Publisher.publish` on a new thread: a subscriber in this thread must keep calling
    /// into its socket (libzmq attaches new peers only then), so publisher and subscriber
    /// cannot share a thread.
    init(values: [Float], dimension: Int, options: PublishOptions) {
        let thread = Thread { [self] in
            let result = Result { () throws(PublishError) -> PublishReport in
                try Publisher.publish(values: values, dimension: dimension, options: options)
            }
            lock.withLock { stored = result }
            finished.signal()
        }
        thread.start()
    }

    /// Waits (bounded) for the run to end and returns its report.
    func report() throws -> PublishReport {
        guard finished.wait(timeout: .now() + 20) == .success else { throw PublishError.transport("publisher thread did not finish") }
        return try lock.withLock { stored }.unsafelyUnwrappedResult()
    }
}

extension Optional where Wrapped == Result<PublishReport, PublishError> {
    func unsafelyUnwrappedResult() throws -> PublishReport {
        guard let self else { throw PublishError.transport("no result") }
        return try self.get()
    }
}

@Suite("aectl publish")
struct PublishTests {
    @Test func csvLoads() throws {
        let csv = try CSVVectors.parse("f0,f1,f2\n1,2,3\r\n\n4.5,-6e-1, 7\n", file: "x.csv")
        #expect(csv.dimension == 3 && csv.count == 2)
        #expect(csv.values == [1, 2, 3, 4.5, -0.6, 7])
        #expect(csv.header == ["f0", "f1", "f2"])
    }

    @Test(arguments: [
        ("f0,f1\n1,2\n3\n", "x.csv:3: 1 fields, the header has 2 (ragged row)"),
        ("f0,f1\n1,2\n3,abc\n", "x.csv:3: column 2 (f1): 'abc' is not a number"),
        ("f0,f1\n1,nan\n", "x.csv:2: column 2 (f1): 'nan' is not finite"),
        ("f0,f1\n1,1e39\n", "x.csv:2: column 2 (f1): '1e39' is not finite or outside Float range"),
        ("1,2\n3,4\n", "x.csv:1: expected a header row"),
        ("f0,f1\n", "x.csv: no data rows"),
        ("", "x.csv:1: empty file"),
    ])
    func badFilesNameFileAndLine(text: String, expected: String) {
        let error = #expect(throws: PublishError.self) { try CSVVectors.parse(text, file: "x.csv") }
        #expect(error?.description.hasPrefix(expected) == true, "\(String(describing: error))")
    }

    @Test func missingFileIsAnError() {
        #expect(throws: PublishError.self) { try CSVVectors.load(path: "/nonexistent/x.csv") }
    }

    @Test(arguments: PayloadFormat.allCases, [1, 7])
    func publishesToABindingSubscriberWithoutLosingTheFirstVectors(format: PayloadFormat, batch: Int) throws {
        let context = try Context()
        let sub = try context.socket(.sub, lingerMilliseconds: 0)
        try sub.set(.receiveHighWaterMark(messages: 0))
        try sub.set(.receiveTimeout(milliseconds: 2_000))
        try sub.subscribe("s1")
        let endpoint = try sub.bind("tcp://127.0.0.1:*")
        let dimension = 5
        let count = 300
        let values = (0..<(count * dimension)).map { Float($0) * 0.25 - 3 }
        let run = PublishResultBox(values: values, dimension: dimension,
                                   options: PublishOptions(endpoint: endpoint, stream: "s1", format: format, batch: batch, waitSeconds: 5))
        let received = try drain(sub, expected: count)
        let report = try run.report()
        #expect(report.vectors == count)
        #expect(report.messages == (count + batch - 1) / batch)
        #expect(received.counts.total == 0)
        #expect(received.batch.count == count)
        #expect(Array(received.batch.values) == values)
        #expect(Array(received.batch.sequenceNumbers) == (0..<count).map { UInt64($0) })
        #expect(received.batch.timestamp(0) != nil)
    }

    @Test func bindsForAConnectingSubscriber() throws {
        let context = try Context()
        let sub = try context.socket(.sub, lingerMilliseconds: 0)
        try sub.set(.receiveHighWaterMark(messages: 0))
        try sub.set(.receiveTimeout(milliseconds: 2_000))
        try sub.subscribe("")
        // The publisher binds an ipc endpoint, the SUB dials it (and retries until it exists).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pub-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoint = "ipc://\(folder.path)/pub.sock"
        try sub.connect(endpoint)
        let values: [Float] = [1, 2, 3, 4]
        let options = PublishOptions(endpoint: endpoint, stream: "edge.1", bind: true, format: .json, timestamps: false, sequenceNumbers: false, waitSeconds: 5)
        let run = PublishResultBox(values: values, dimension: 2, options: options)
        let received = try drain(sub, expected: 2)
        #expect(try run.report().vectors == 2)
        #expect(Array(received.batch.values) == values)
        #expect(received.batch.timestamp(0) == nil && received.batch.sequenceNumber(1) == nil)
    }

    @Test func seriesClockStampsRowsAsARecordedSeries() throws {
        let context = try Context()
        let sub = try context.socket(.sub, lingerMilliseconds: 0)
        try sub.set(.receiveHighWaterMark(messages: 0))
        try sub.set(.receiveTimeout(milliseconds: 2_000))
        try sub.subscribe("s1")
        let endpoint = try sub.bind("tcp://127.0.0.1:*")
        let count = 10
        let values = (0..<(count * 2)).map { Float($0) }
        let options = PublishOptions(endpoint: endpoint, stream: "s1", batch: 3, waitSeconds: 5,
                                     seriesClock: SeriesClock(start: 1_700_000_000, step: 60))
        let run = PublishResultBox(values: values, dimension: 2, options: options)
        let received = try drain(sub, expected: count)
        #expect(try run.report().vectors == count)
        #expect((0..<count).map { received.batch.timestamp($0) } == (0..<count).map { 1_700_000_000 + Double($0) * 60 })
    }

    @Test func noSubscriberIsAClearError() throws {
        let context = try Context()
        let probe = try context.socket(.pull, lingerMilliseconds: 0)
        let endpoint = try probe.bind("tcp://127.0.0.1:*")
        probe.close()
        let options = PublishOptions(endpoint: endpoint, stream: "s1", waitSeconds: 0.2)
        let error = #expect(throws: PublishError.self) { try Publisher.publish(values: [1], dimension: 1, options: options) }
        #expect(error == .noSubscriber(endpoint: endpoint, seconds: 0.2))
    }

    @Test func commandValidatesItsArguments() throws {
        #expect(throws: (any Error).self) { try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "bad name", "--file", "f.csv"]) }
        #expect(throws: (any Error).self) { try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "s", "--file", "f.csv", "--rate", "0"]) }
        #expect(throws: (any Error).self) { try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "s", "--file", "f.csv", "--batch", "0"]) }
        #expect(throws: (any Error).self) { try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "s", "--file", "f.csv", "--format", "xml"]) }
        let command = try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "s.1", "--file", "f.csv",
                                                "--format", "json", "--batch", "16", "--rate", "500", "--bind"])
        #expect(command.options.format == .json && command.options.batch == 16 && command.options.rate == 500 && command.options.bind)
        #expect(command.options.seriesClock == nil)
        let replay = try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "s", "--file", "f.csv", "--ts-start", "1000", "--ts-step", "60"])
        #expect(replay.options.seriesClock == SeriesClock(start: 1000, step: 60))
        #expect(throws: (any Error).self) { try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "s", "--file", "f.csv", "--ts-step", "0"]) }
        #expect(throws: (any Error).self) { try PublishCommand.parse(["--endpoint", "tcp://x:1", "--stream", "s", "--file", "f.csv", "--ts-start", "5", "--no-timestamps"]) }
    }

    @Test func commandFailsOnABadFileWithFileAndLine() throws {
        let path = try temporaryCSV("a,b\n1,2\n1,x\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let command = try PublishCommand.parse(["--endpoint", "tcp://127.0.0.1:1", "--stream", "s", "--file", path, "--wait", "0.1"])
        #expect(throws: ExitCode.failure) { try command.run() }
    }
}
