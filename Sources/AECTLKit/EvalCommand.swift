import ArgumentParser
import Detectors
import Foundation
import Tensor
import Wire

/// `aectl eval`: an offline backtest of a detector on CSV files, through the daemon's code path.
public struct EvalCommand: ParsableCommand {
    /// The subcommand's name, `eval`, and help.
    public static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Fit a detector on a training file, calibrate its threshold, score a test file and print the metrics.",
        discussion: """
            Files use the dataset layout: train.csv and test.csv with the same header row and one vector a \
            row; labels.csv without header, one 0 (normal) or 1 (anomaly) a line for each test row. The \
            threshold is calibrated on the held-out part of the training file at the target false-positive \
            rate: by default the fit's random validation split; with --holdout blocks the daemon's \
            time-ordered block holdout (the fit then sees only the training blocks). Prints AUROC, AUPRC, the best F1 over thresholds and the F1 at the calibrated threshold.
            """)

    @Option(help: "The training CSV (normal data, header row).")
    public var train: String

    @Option(help: "The test CSV (same header as the training file).")
    public var test: String

    @Option(help: "The test labels (no header, 0 or 1 per test row).")
    public var labels: String

    @Option(help: "The detector.")
    public var detector: DetectorKind = .autoencoder

    @Option(name: .customLong("false-positive-rate"), help: "The target false-positive rate of the threshold, in (0, 1).")
    public var falsePositiveRate: Double = 0.01

    @Option(name: .customLong("threshold-method"), help: "How the threshold is calibrated: an empirical quantile or peaks over threshold.")
    public var thresholdMethod: ThresholdMethod = .quantile

    @Option(help: "Where the threshold is calibrated: validation (the fit's random validation split) or blocks (the daemon's time-ordered block holdout).")
    public var holdout: EvalHoldout.Kind = .validation

    @Option(name: .customLong("holdout-fraction"), help: "With --holdout blocks: the share of the training file held out, in (0, 0.9), as aed's holdout_fraction.")
    public var holdoutFraction: Double = 0.25

    @Option(help: "The seed of training and scoring (default: the detectors' default seed).")
    public var seed: UInt64?

    @Option(help: "The maximum number of training epochs, exactly (default: the detectors' default, raised on small data to reach a minimum number of steps).")
    public var epochs: Int?

    @Flag(help: "Also measure the alerts' feature attributions: normal test rows with one feature moved by 4, 8 and 16 training standard deviations, and how often each attribution method names it first.")
    public var attribution = false

    @Option(
        name: .customLong("importance-samples"),
        help: "With --detector vae: also fit one VAE on the daemon's training blocks and report AUROC and F1 at a block-calibrated threshold for each number of importance samples in this comma list (e.g. 1,4,16,64).")
    public var importanceSamples: String?

    @Flag(help: "Print one JSON object instead of text.")
    public var json = false

    /// Creates the command (argument-parser fills the options).
    public init() {}

    /// Rejects a rate outside (0, 1), a holdout fraction outside (0, 0.9), non-positive epochs and
    /// bad importance samples (an unknown detector, threshold method or holdout does not parse).
    /// - Throws: `ValidationError` (exit code 64).
    public func validate() throws {
        guard falsePositiveRate > 0, falsePositiveRate < 1 else {
            throw ValidationError("--false-positive-rate must be in (0, 1), got \(falsePositiveRate)")
        }
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive, got \(epochs)") }
        if let importanceSamples {
            guard detector == .variationalAutoencoder else {
                throw ValidationError("--importance-samples needs --detector vae")
            }
            guard Self.sampleCounts(importanceSamples) != nil else {
                throw ValidationError("--importance-samples must be a comma list of integers in 1...1024, got '\(importanceSamples)'")
            }
        }
        guard holdoutFraction > 0, holdoutFraction < 0.9 else {
            throw ValidationError("--holdout-fraction must be in (0, 0.9), got \(holdoutFraction)")
        }
    }

    /// Runs the evaluation and returns its report (the command prints it).
    /// - Throws: `CSVError` for bad files, `DetectorError` for fitting or calibration failures.
    public func evaluate() throws -> EvalReport {
        var options = DetectorOptions()
        if let seed { options.seed = seed }
        if let epochs {
            options.epochs = epochs
            options.minimumSteps = 0
        }
        let files = try Evaluation.load(train: train, test: test, labels: labels)
        var report = try Evaluation.run(
            kind: detector, train: files.train, test: files.test, labels: files.labels, options: options,
            targetFalsePositiveRate: falsePositiveRate, method: thresholdMethod,
            holdout: holdout == .blocks ? .blocks(holdoutFraction: holdoutFraction) : .validation,
            measuresAttribution: attribution)
        if let importanceSamples, let ks = Self.sampleCounts(importanceSamples) {
            report.importanceSamples = try ImportanceSampleResult.sweep(
                train: Tensor(shape: [files.train.rows, files.train.columns], scalars: files.train.values),
                test: Tensor(shape: [files.test.rows, files.test.columns], scalars: files.test.values),
                labels: files.labels, options: options, ks: ks, targetFalsePositiveRate: falsePositiveRate, method: thresholdMethod,
                holdoutFraction: holdoutFraction)
        }
        return report
    }

    /// `"1,4,16"` -> `[1, 4, 16]`; nil unless every entry is an integer in 1...1024.
    static func sampleCounts(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let counts = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.count == parts.count, counts.allSatisfy({ (1...1_024).contains($0) }) else { return nil }
        return counts
    }

    /// Evaluates and prints the report (text, or one JSON object with `--json`) on stdout.
    /// - Throws: `CSVError` or `DetectorError`; argument-parser prints it to stderr and exits non-zero.
    public func run() throws {
        let report = try evaluate()
        let output: String
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            output = String(decoding: try encoder.encode(report), as: UTF8.self)
        } else {
            output = report.text
        }
        FileHandle.standardOutput.write(Data((output + "\n").utf8))
    }
}

extension DetectorKind: ExpressibleByArgument {}
extension ThresholdMethod: ExpressibleByArgument {}
extension EvalHoldout.Kind: ExpressibleByArgument {}
