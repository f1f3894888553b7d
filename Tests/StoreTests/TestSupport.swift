import Alerts
import Foundation
import GRDB
@testable import Store

/// A fresh temporary directory for one test, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("aed-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Test data builders.
enum Fixture {
    static let features = [
        FeatureContribution(feature: 3, share: 0.41), FeatureContribution(feature: 0, share: 0.2),
    ]

    /// Bytes that exercise every byte value, NaN payloads and signed zeros.
    static func blob(_ seed: UInt8, count: Int) -> Data {
        var data = Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) })
        let specials: [Float] = [.nan, -0.0, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
        for value in specials {
            var bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
        }
        var payloadNaN = UInt32(0x7fc0_1234).littleEndian
        withUnsafeBytes(of: &payloadNaN) { data.append(contentsOf: $0) }
        return data
    }

    static func model(
        stream: String = "s1", detector: String = "ae", created: Double = 1_700_000_000,
        seed: UInt8 = 1
    ) -> NewModel {
        NewModel(
            stream: stream, detector: detector, created: created,
            configuration: Data(#"{"hiddenDimensions":[32,16],"latentDimensions":8}"#.utf8),
            scaler: blob(seed &+ 100, count: 38 * 8), weights: blob(seed, count: 4000),
            seed: UInt64.max - UInt64(seed), trainLoss: 0.125, validationLoss: 0.25)
    }

    static func threshold(value: Double = 3.5, created: Double = 1_700_000_000) -> NewThreshold {
        NewThreshold(
            method: "quantile", targetFalsePositiveRate: 0.001, value: value,
            calibrationSamples: 2000, created: created)
    }

    static func alert(
        stream: String = "s1", time: Double, detector: String = "ae", score: Double = 5
    ) -> Alert {
        Alert(
            stream: stream, vectorTime: time - 0.5, receiveTime: time, detector: detector,
            anomalyScore: score, threshold: 2.5, modelVersion: 1, topFeatures: features)
    }
}

extension Store {
    /// Runs raw SQL on the writer, for tests that tamper with the file.
    func rawWrite(_ sql: String, arguments: StatementArguments = []) throws {
        try database.writeWithoutTransaction { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// Reads one integer with raw SQL.
    func rawInt(_ sql: String, arguments: StatementArguments = []) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
    }
}
