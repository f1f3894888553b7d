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
        #expect(web.model.importanceSamples == 8)
        #expect(DetectorTraining.options(web, seed: 1).importanceSamples == 8)
        #expect(configuration.settings(forStream: "other").model.importanceSamples == 4)
        #expect(web.detectors == [.autoencoder])
        #expect(web.model.epochs == 5)
        #expect(web.model.latentDimensions == 4)
        #expect(web.targetFalsePositiveRate == 0.01)
        #expect(web.retrainInterval == 900)
        #expect(configuration.settings(forStream: "other").detectors == [.autoencoder, .variationalAutoencoder])
    }

    @Test func everyDetectorOptionHasAKey() throws {
        let configuration = try DaemonConfiguration.parse(toml: """
            [daemon]
            scoring_threads = 3
            [defaults]
            activation = "tanh"
            beta = 0.5
            sparsity_target = 0.1
            sparsity_weight = 0.3
            corruption = "masking"
            corruption_level = 0.25
            pca_components = 5
            pca_variance_fraction = 0.9
            contrastive_transformations = 7
            learned_transformation = "mask"
            temperature = 0.2
            affine_transformations = 16
            affine_dimensions = 8
            margin = 2
            triplet_center_weight = 0.5
            triplet_training_steps = 100
            [streams.s]
            margin = 3.5
            """)
        #expect(configuration.daemon.scoringThreads == 3)
        #expect(configuration.daemon.resolvedScoringThreads == 3)
        #expect(DaemonConfiguration().daemon.resolvedScoringThreads >= 1)
        let options = DetectorTraining.options(configuration.settings(forStream: "other"), seed: 9)
        #expect(options.activation == .tanh && options.beta == 0.5)
        #expect(options.sparsityTarget == 0.1 && options.sparsityWeight == 0.3)
        #expect(options.corruption == .masking && options.corruptionLevel == 0.25)
        #expect(options.pcaComponents == 5 && options.pcaVarianceFraction == 0.9)
        #expect(options.contrastiveTransformations == 7 && options.learnedTransformation == .mask && options.temperature == 0.2)
        #expect(options.affineTransformations == 16 && options.affineDimensions == 8)
        #expect(options.margin == 2 && options.tripletCenterWeight == 0.5 && options.tripletTrainingSteps == 100)
        #expect(options.seed == 9)
        #expect(throws: Never.self) { try options.validate() }
        let stream = configuration.settings(forStream: "s").model
        #expect(stream.margin == 3.5 && stream.affineTransformations == 16)
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
        ("[daemon]\nscoring_threads = 0", "daemon.scoring_threads"),
        ("[defaults]\nactivation = \"gelu\"", "defaults.activation"),
        ("[defaults]\nsparsity_target = 1.0", "defaults.sparsity_target"),
        ("[defaults]\ncorruption = \"salt\"", "defaults.corruption"),
        ("[defaults]\ncorruption = \"masking\"\ncorruption_level = 1.0", "defaults.corruption_level"),
        ("[defaults]\npca_variance_fraction = 0.0", "defaults.pca_variance_fraction"),
        ("[defaults]\ncontrastive_transformations = 1", "defaults.contrastive_transformations"),
        ("[defaults]\nlearned_transformation = \"rotate\"", "defaults.learned_transformation"),
        ("[defaults]\ntemperature = 0", "defaults.temperature"),
        ("[streams.a]\naffine_transformations = 1", "streams.a.affine_transformations"),
        ("[defaults]\nmargin = -1", "defaults.margin"),
        ("[defaults]\ntriplet_training_steps = 0", "defaults.triplet_training_steps"),
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

    @Test func unreadableFileIsAnError() throws {
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.load(path: "/nonexistent/aed.toml")
        }
        // Each cause is named, not Foundation's "The operation could not be completed".
        let folder = NSTemporaryDirectory() + "aed-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let binary = folder + "/binary.toml"
        FileManager.default.createFile(atPath: binary, contents: Data([0x5B, 0xFF, 0xFE, 0x00, 0x5D]))
        for (path, reason) in [
            ("/nonexistent/aed.toml", "no such file"), (folder, "it is a folder, not a file"), (binary, "not UTF-8 text"),
        ] {
            do {
                _ = try DaemonConfiguration.load(path: path)
                Issue.record("\(path) loaded")
            } catch let error as ConfigurationError {
                #expect(String(describing: error).contains("cannot read configuration \(path): \(reason)"), "\(error)")
            }
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
        #expect(configuration.defaults.model.batchSize == 75)
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
