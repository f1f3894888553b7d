// aed-store-crashtest: writes alert batches into a store and reports each commit on stdout, so
// StoreTests can SIGKILL it mid-write and check what survived.
//
// Usage: aed-store-crashtest DATABASE BATCHES BATCH_SIZE
// Prints "ready" once the store is open, then "committed B" after batch B (0, 1, ...) returned
// from its commit. Alert i of batch B has vectorTime B and receiveTime B * BATCH_SIZE + i.
import Alerts
import Foundation
import Store

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("aed-store-crashtest: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let batches = Int(arguments[2]), let batchSize = Int(arguments[3]),
    batches > 0, batchSize > 0
else { fail("usage: aed-store-crashtest DATABASE BATCHES BATCH_SIZE") }

do {
    let store = try Store.open(path: arguments[1])
    try store.upsertStream(name: "crash", dimension: 4)
    FileHandle.standardOutput.write(Data("ready\n".utf8))
    let features = [FeatureContribution(feature: 1, share: 0.75), FeatureContribution(feature: 3, share: 0.25)]
    for batch in 0..<batches {
        let alerts = (0..<batchSize).map { index in
            Alert(
                stream: "crash", vectorTime: Double(batch),
                receiveTime: Double(batch * batchSize + index), detector: "ae",
                anomalyScore: 2.5, threshold: 1.25, modelVersion: 1, topFeatures: features)
        }
        try store.recordAlerts(alerts)
        // FileHandle writes straight to the descriptor: the line is out once this returns.
        FileHandle.standardOutput.write(Data("committed \(batch)\n".utf8))
    }
    try store.close()
} catch {
    fail("\(error)")
}
