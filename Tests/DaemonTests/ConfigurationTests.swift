import Detectors
import Foundation
import Testing

@testable import Daemon

@Suite struct ConfigurationTests {
    /// The repository's example file, found relative to this source file.
    static var examplePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("etc/aed/aed.toml").path
    }

    @Test func exampleFileEqualsBuiltInDefaults() throws {
        let configuration = try DaemonConfiguration.load(path: Self.examplePath)
        #expect(configuration == DaemonConfiguration())
    }

    @Test func emptyDocumentGivesDefaults() throws {
        #expect(try DaemonConfiguration.parse(toml: "") == DaemonConfiguration())
    }

    @Test func streamOverridesInheritDefaults() throws {
        let configuration = try DaemonConfiguration.parse(toml: """
            [defaults]
            epochs = 5
            latent_size = 4
            [streams."web-1"]
            detectors = ["ae"]
            target_false_positive_rate = 0.01
            retrain_interval = "15m"
            importance_samples = 8
            """)
        let web = configuration.settings(forStream: "web-1")
        #expect(web.importanceSamples == 8)
        #expect(DetectorTraining.options(web, seed: 1).importanceSamples == 8)
        #expect(configuration.settings(forStream: "other").importanceSamples == 4)
        #expect(web.detectors == [.autoencoder])
        #expect(web.epochs == 5)
        #expect(web.latentDimensions == 4)
        #expect(web.targetFalsePositiveRate == 0.01)
        #expect(web.retrainInterval == 900)
        #expect(configuration.settings(forStream: "other").detectors == [.autoencoder, .variationalAutoencoder])
    }

    @Test(arguments: [
        ("[daemon]\nstate_dirr = \"x\"", ConfigurationError.unknownKey("daemon.state_dirr")),
        ("bogus = 1", ConfigurationError.unknownKey("bogus")),
        ("[streams.a]\nepoch = 3", ConfigurationError.unknownKey("streams.a.epoch")),
        ("[defaults]\nepochs = \"ten\"", ConfigurationError.wrongType(key: "defaults.epochs", expected: "an integer", found: "a string")),
        ("[daemon]\ningest = \"tcp://*:1\"", ConfigurationError.wrongType(key: "daemon.ingest", expected: "an array of strings", found: "a string")),
        ("[daemon]\ningest = [1]", ConfigurationError.wrongType(key: "daemon.ingest[0]", expected: "a string", found: "an integer")),
        ("[alerts]\nepisodes = 1", ConfigurationError.wrongType(key: "alerts.episodes", expected: "a boolean", found: "an integer")),
        ("daemon = 3", ConfigurationError.wrongType(key: "daemon", expected: "a table", found: "an integer")),
    ])
    func keyErrors(toml: String, expected: ConfigurationError) {
        #expect(throws: expected) { try DaemonConfiguration.parse(toml: toml) }
    }

    @Test(arguments: [
        ("[defaults]\nepochs = 0", "defaults.epochs"),
        ("[defaults]\nimportance_samples = 0", "defaults.importance_samples"),
        ("[defaults]\nimportance_samples = 5000", "defaults.importance_samples"),
        ("[defaults]\nlearning_rate = 1.5", "defaults.learning_rate"),
        ("[defaults]\ntarget_false_positive_rate = 0.0", "defaults.target_false_positive_rate"),
        ("[defaults]\ndetectors = [\"ae\", \"lstm\"]", "defaults.detectors"),
        ("[defaults]\ndetectors = []", "defaults.detectors"),
        ("[defaults]\nthreshold_method = \"max\"", "defaults.threshold_method"),
        ("[defaults]\nretrain_interval = \"soon\"", "defaults.retrain_interval"),
        ("[defaults]\nhidden_sizes = [32, 0]", "defaults.hidden_sizes[1]"),
        ("[daemon]\nlog_level = \"loud\"", "daemon.log_level"),
        ("[daemon]\ningest = [\"http://x\"]", "daemon.ingest"),
        ("[streams.\"bad name\"]\nepochs = 1", "streams.bad name"),
        ("[alerts]\nmax_pending = 0", "alerts.max_pending"),
    ])
    func invalidValuesNameTheKey(toml: String, key: String) {
        do {
            _ = try DaemonConfiguration.parse(toml: toml)
            Issue.record("expected an error for \(key)")
        } catch let error as ConfigurationError {
            guard case .invalidValue(let named, _, _) = error else {
                Issue.record("expected invalidValue, got \(error)")
                return
            }
            #expect(named == key)
            #expect(error.description.contains(key))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func wrongDurationTypeSaysWhatWasExpected() {
        let error = #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.parse(toml: "[alerts]\nepisode_gap = 60")
        }
        #expect(error?.description.contains("alerts.episode_gap") == true)
        #expect(error?.description.contains("duration") == true)
    }

    @Test func syntaxErrorsGiveLine() {
        let error = #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.parse(toml: "[daemon]\nstate_dir = \"unterminated\n", path: "x.toml")
        }
        guard case .syntax(let path, let line, _, _)? = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(path == "x.toml")
        #expect(line == 2)
    }

    @Test func unreadableFileIsAnError() {
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.load(path: "/nonexistent/aed.toml")
        }
    }

    @Test func durations() {
        #expect(DurationParser.seconds("90s") == 90)
        #expect(DurationParser.seconds("15m") == 900)
        #expect(DurationParser.seconds("1h") == 3600)
        #expect(DurationParser.seconds("1.5h") == 5400)
        #expect(DurationParser.seconds("250ms") == 0.25)
        #expect(DurationParser.seconds("2d") == 172_800)
        #expect(DurationParser.seconds("0") == 0)
        #expect(DurationParser.seconds("10") == nil)
        #expect(DurationParser.seconds("-5s") == nil)
        #expect(DurationParser.seconds("s") == nil)
        #expect(DurationParser.format(900) == "15m")
    }

    @Test func overridesAddAndReplace() throws {
        let overridden = try DaemonConfiguration().applying(
            ConfigurationOverrides(
                stateDirectory: "/tmp/s", ingestBinds: ["tcp://127.0.0.1:9"], ingestConnects: ["tcp://h:1"],
                controlEndpoint: "ipc:///tmp/c.sock", logLevel: "debug"))
        #expect(overridden.daemon.stateDirectory == "/tmp/s")
        #expect(overridden.daemon.resolvedIngestBinds == ["tcp://127.0.0.1:9"])
        #expect(DaemonConfiguration().daemon.resolvedIngestBinds == ["tcp://127.0.0.1:7600"])
        var listed = try DaemonConfiguration.parse(toml: "[daemon]\ningest = [\"tcp://127.0.0.1:7600\"]")
        listed = try listed.applying(ConfigurationOverrides(ingestBinds: ["tcp://127.0.0.1:9"]))
        #expect(listed.daemon.resolvedIngestBinds == ["tcp://127.0.0.1:7600", "tcp://127.0.0.1:9"])
        #expect(overridden.daemon.ingestConnects == ["tcp://h:1"])
        #expect(overridden.daemon.resolvedControlEndpoint == "ipc:///tmp/c.sock")
        #expect(overridden.daemon.logLevel == "debug")
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration().applying(ConfigurationOverrides(logLevel: "loud"))
        }
    }

    @Test func defaultControlIsUnderStateDirectory() {
        var configuration = DaemonConfiguration()
        configuration.daemon.stateDirectory = "/var/lib/aed"
        #expect(configuration.daemon.resolvedControlEndpoint == "ipc:///var/lib/aed/control.sock")
    }

    @Test func validationClampsAndReports() throws {
        let parsed = try DaemonConfiguration.parse(toml: """
            [defaults]
            buffer_size = 100
            min_samples = 500
            batch_size = 1000
            target_false_positive_rate = 0.1
            """)
        let (configuration, clamps) = parsed.validated()
        #expect(configuration.defaults.minimumSamples == 100)
        #expect(configuration.defaults.batchSize == 75)
        #expect(clamps.count == 2)
        #expect(clamps.contains { $0.contains("defaults.min_samples") })
        #expect(DaemonConfiguration().validated().clamps.isEmpty)
    }

    @Test func calibrationNeedsEnoughHeldOutData() throws {
        let parsed = try DaemonConfiguration.parse(toml: """
            [defaults]
            min_samples = 1000
            target_false_positive_rate = 0.001
            holdout_fraction = 0.2
            """)
        let (configuration, clamps) = parsed.validated()
        // Each calibration half needs 1000 scores: 2 * 1000 / 0.2, plus 10%.
        #expect(configuration.defaults.minimumSamples == 11_000)
        #expect(clamps.first?.contains("defaults.min_samples") == true)
    }
}
