import Detectors
import Foundation
import TOMLKit
import Wire

extension DaemonConfiguration {
    /// Reads the configuration: `path` if given, else `/etc/aed/aed.toml` if it exists,
    /// else the built-in defaults.
    /// - Throws: `ConfigurationError` naming the file or key at fault.
    public static func load(path: String?) throws -> DaemonConfiguration {
        let chosen: String
        if let path {
            chosen = path
        } else if FileManager.default.fileExists(atPath: defaultPath) {
            chosen = defaultPath
        } else {
            return DaemonConfiguration()
        }
        // The reasons `aectl`'s file readers give, not Foundation's "operation could not be completed".
        guard let data = FileManager.default.contents(atPath: chosen) else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: chosen, isDirectory: &isFolder)
            let reason = !exists
                ? "no such file" : (isFolder.boolValue ? "it is a folder, not a file" : "cannot read the file (permissions?)")
            throw ConfigurationError.unreadable(path: chosen, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError.unreadable(path: chosen, reason: "not UTF-8 text (a TOML file is UTF-8)")
        }
        return try parse(toml: text, path: chosen)
    }

    /// Parses a TOML document over the built-in defaults.
    /// - Parameter path: shown in syntax errors.
    /// - Throws: `ConfigurationError.syntax`, `.unknownKey`, `.wrongType` or `.invalidValue`.
    public static func parse(toml text: String, path: String = "<config>") throws -> DaemonConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError.syntax(
                path: path, line: error.source.begin.line, column: error.source.begin.column,
                message: error.description)
        } catch {
            throw ConfigurationError.syntax(path: path, line: 0, column: 0, message: "\(error)")
        }
        var root = TOMLSection(table, path: "")
        var configuration = DaemonConfiguration()
        if var section = try root.table("daemon") {
            try configuration.daemon.read(&section)
            try section.rejectUnknownKeys()
        }
        if var section = try root.table("defaults") {
            try configuration.defaults.read(&section)
            try section.rejectUnknownKeys()
        }
        if var section = try root.table("alerts") {
            try configuration.alerts.read(&section)
            try section.rejectUnknownKeys()
        }
        if var streams = try root.table("streams") {
            for name in streams.table.keys.sorted() {
                guard StreamName.isValid(name) else {
                    throw ConfigurationError.invalidValue(
                        key: streams.key(name), value: "\"\(name)\"",
                        reason: "a stream name is 1-128 bytes of [A-Za-z0-9._:/-]")
                }
                guard var section = try streams.table(name) else { continue }
                var settings = configuration.defaults
                try settings.read(&section)
                try section.rejectUnknownKeys()
                configuration.streams[name] = settings
            }
            try streams.rejectUnknownKeys()
        }
        try root.rejectUnknownKeys()
        return configuration
    }
}

extension DaemonSettings {
    mutating func read(_ section: inout TOMLSection) throws {
        if let value = try section.string("state_dir") {
            guard !value.isEmpty else {
                throw ConfigurationError.invalidValue(key: section.key("state_dir"), value: "\"\"", reason: "must not be empty")
            }
            stateDirectory = value
        }
        if let value = try section.strings("ingest") {
            try Self.checkEndpoints(value, key: section.key("ingest"))
            ingestBinds = value
        }
        if let value = try section.strings("connect") {
            try Self.checkEndpoints(value, key: section.key("connect"))
            ingestConnects = value
        }
        if let value = try section.strings("topics") { topics = value }
        if let value = try section.string("control") {
            try Self.checkEndpoints([value], key: section.key("control"))
            controlEndpoint = value
        }
        if let value = try section.string("alert_publish") {
            if value.isEmpty {
                alertEndpoint = nil
            } else {
                try Self.checkEndpoints([value], key: section.key("alert_publish"))
                alertEndpoint = value
            }
        }
        if let value = try section.string("metrics_listen") {
            metricsListen = try Self.metricsAddress(value, key: section.key("metrics_listen"))
        }
        if let value = try section.string("log_level") {
            guard DaemonConfiguration.logLevels.contains(value) else {
                throw ConfigurationError.invalidValue(
                    key: section.key("log_level"), value: "\"\(value)\"",
                    reason: "expected one of \(DaemonConfiguration.logLevels.joined(separator: ", "))")
            }
            logLevel = value
        }
        if let value = try section.int("max_message_size", in: 64...(1 << 30)) { maxMessageSize = value }
        if let value = try section.int("max_queue_bytes", in: 1...(1 << 40)) { maxQueueBytes = value }
        if let value = try section.int("receive_high_water_mark", in: 1...10_000_000) { receiveHighWaterMark = value }
        if let value = try section.int("max_batch", in: 1...1_000_000) { maxBatch = value }
        if let value = try section.int("scoring_threads", in: 1...1_024) { scoringThreads = value }
        if let value = try section.int("max_streams", in: 1...1_000_000) { maxStreams = value }
        if let value = try section.int("max_dimension", in: 1...1_000_000) { maxDimension = value }
        if let value = try section.duration("status_interval") { statusInterval = value }
        if let value = try section.duration("snapshot_interval") { snapshotInterval = value }
        if let value = try section.duration("max_clock_skew") { maxClockSkew = value }
        if let value = try section.bool("control_allow_plaintext_tcp") { controlAllowPlaintextTCP = value }
        curve = try CurveSettings.read(&section)
    }

    /// The metrics address `value` of `key`; nil for "" (no endpoint).
    /// - Throws: `ConfigurationError.invalidValue` naming `key` when it does not parse.
    static func metricsAddress(_ value: String, key: String) throws -> MetricsListenAddress? {
        guard !value.isEmpty else { return nil }
        do {
            return try MetricsListenAddress.parse(value)
        } catch {
            throw ConfigurationError.invalidValue(key: key, value: "\"\(value)\"", reason: error.description)
        }
    }

    static func checkEndpoints(_ endpoints: [String], key: String) throws {
        for endpoint in endpoints {
            let schemes = ["tcp://", "ipc://", "inproc://"]
            guard schemes.contains(where: { endpoint.hasPrefix($0) }),
                endpoint.count > (schemes.first(where: { endpoint.hasPrefix($0) })?.count ?? 0)
            else {
                throw ConfigurationError.invalidValue(
                    key: key, value: "\"\(endpoint)\"", reason: "expected a ZeroMQ endpoint tcp://..., ipc://... or inproc://...")
            }
        }
    }
}

extension StreamSettings {
    mutating func read(_ section: inout TOMLSection) throws {
        if let names = try section.strings("detectors") {
            var kinds: [DetectorKind] = []
            for name in names {
                guard let kind = DetectorKind(rawValue: name) else {
                    throw ConfigurationError.invalidValue(
                        key: section.key("detectors"), value: "\"\(name)\"",
                        reason: "expected one of \(DetectorKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !kinds.contains(kind) { kinds.append(kind) }
            }
            guard !kinds.isEmpty else {
                throw ConfigurationError.invalidValue(
                    key: section.key("detectors"), value: "[]", reason: "list at least one detector")
            }
            detectors = kinds
        }
        try model.read(&section)
        if let value = try section.int("buffer_size", in: 16...100_000_000) { bufferSize = value }
        if let value = try section.int("min_samples", in: 16...100_000_000) { minimumSamples = value }
        if let value = try section.duration("retrain_interval") { retrainInterval = value }
        if let value = try section.int("retrain_samples", in: 0...100_000_000) { retrainSamples = value }
        if let method = try section.choice("threshold_method", ThresholdMethod.self) { thresholdMethod = method }
        if let value = try section.double("target_false_positive_rate", lower: 0, upper: 0.5, open: true) {
            targetFalsePositiveRate = value
        }
        if let value = try section.double("holdout_fraction", lower: 0, upper: 0.9, open: true) { holdoutFraction = value }
        if let value = try section.int("dimension", in: 1...65_536) { dimension = value }
        if let policy = try section.choice("shift_policy", ShiftPolicy.self) { shiftPolicy = policy }
        if let value = try section.duration("shift_window") { shiftWindow = value }
        if let value = try section.double("retrain_admit_severity", lower: 1, upper: 1_000, open: false) {
            retrainAdmitSeverity = value
        }
        if let value = try section.int("shift_vectors", in: 6...100_000_000) { shiftVectors = value }
        if let value = try section.double("shift_alert_rate", lower: 0, upper: 1, open: true) { shiftAlertRate = value }
    }
}

extension DetectorOptions {
    /// Reads the model keys of a `[defaults]` or `[streams.<name>]` table (README, *Configuration*):
    /// architecture and training for every detector, then each detector's own.
    mutating func read(_ section: inout TOMLSection) throws {
        if let value = try section.ints("hidden_sizes", in: 1...4096) {
            guard !value.isEmpty else {
                throw ConfigurationError.invalidValue(key: section.key("hidden_sizes"), value: "[]", reason: "list at least one layer width")
            }
            hiddenDimensions = value
        }
        if let value = try section.int("latent_size", in: 1...4096) { latentDimensions = value }
        if let value = try section.choice("activation", ActivationKind.self) { activation = value }
        if let value = try section.int("epochs", in: 1...100_000) { epochs = value }
        if let value = try section.int("batch_size", in: 1...1_000_000) { batchSize = value }
        if let value = try section.double("learning_rate", lower: 0, upper: 1, open: true) { learningRate = value }
        // VAE.
        if let value = try section.int("importance_samples", in: 1...1_024) { importanceSamples = value }
        if let value = try section.double("beta", lower: 0, upper: 1_000, open: false) { beta = value }
        // Sparse AE.
        if let value = try section.double("sparsity_target", lower: 0, upper: 1, open: true) { sparsityTarget = value }
        if let value = try section.double("sparsity_weight", lower: 0, upper: 1_000, open: false) { sparsityWeight = value }
        // Denoising AE.
        if let value = try section.choice("corruption", CorruptionKind.self) { corruption = value }
        if let value = try section.double("corruption_level", lower: 0, upper: 100, open: false) { corruptionLevel = value }
        if corruption == .masking, corruptionLevel >= 1 {
            throw ConfigurationError.invalidValue(
                key: section.key("corruption_level"), value: "\(corruptionLevel)",
                reason: "a masking probability must be below 1")
        }
        // PCA.
        if let value = try section.int("pca_components", in: 1...65_536) { pcaComponents = value }
        if let value = try section.double("pca_variance_fraction", lower: 0, upper: 1, open: false) {
            guard value > 0 else {
                throw ConfigurationError.invalidValue(
                    key: section.key("pca_variance_fraction"), value: "\(value)", reason: "expected a value in (0, 1]")
            }
            pcaVarianceFraction = value
        }
        // contrastive (NeuTraL-AD).
        if let value = try section.int("contrastive_transformations", in: 2...256) { contrastiveTransformations = value }
        if let value = try section.choice("learned_transformation", LearnedTransformation.self) { learnedTransformation = value }
        if let value = try section.double("temperature", lower: 0, upper: 1_000, open: true) { temperature = value }
        // triplet (GOAD).
        if let value = try section.int("affine_transformations", in: 2...1_024) { affineTransformations = value }
        if let value = try section.int("affine_dimensions", in: 1...4_096) { affineDimensions = value }
        if let value = try section.double("margin", lower: 0, upper: 1_000, open: false) { margin = value }
        if let value = try section.double("triplet_center_weight", lower: 0, upper: 1_000, open: false) {
            tripletCenterWeight = value
        }
        if let value = try section.int("triplet_training_steps", in: 1...1_000_000) { tripletTrainingSteps = value }
    }
}

extension AlertSettings {
    mutating func read(_ section: inout TOMLSection) throws {
        if let value = try section.bool("episodes") { episodes = value }
        if let value = try section.duration("episode_gap") { episodeGap = value }
        if let value = try section.int("episode_quiet_vectors", in: 0...1_000_000) { episodeQuietVectors = value }
        if let value = try section.duration("retention") { retention = value }
        if let value = try section.int("top_features", in: 0...64) { topFeatures = value }
        if let value = try section.int("max_pending", in: 1...10_000_000) { maxPending = value }
    }
}
