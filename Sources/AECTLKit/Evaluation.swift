import Detectors
import Foundation
import Wire
import Tensor

/// The offline backtest behind `aectl eval`: read, fit, calibrate, score, measure.
public enum Evaluation {
    /// Reads the three files and checks that they fit together.
    /// - Throws: `CSVError` naming the file and line: unreadable files, ragged rows, non-numbers, a test
    ///   header that differs from the training header, a label count that differs from the test rows.
    public static func load(train: String, test: String, labels: String) throws -> (train: CSVMatrix, test: CSVMatrix, labels: [Int]) {
        let trainMatrix = try CSVReader.readMatrix(path: train)
        let testMatrix = try CSVReader.readMatrix(path: test)
        guard testMatrix.header == trainMatrix.header else {
            let detail: String
            if testMatrix.columns != trainMatrix.columns {
                detail = "\(testMatrix.columns) columns, \(train) has \(trainMatrix.columns)"
            } else {
                let i = zip(testMatrix.header, trainMatrix.header).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                detail = "column \(i + 1) is '\(testMatrix.header[i])', \(train) has '\(trainMatrix.header[i])'"
            }
            throw CSVError(file: test, line: 1, message: "header differs from the training file: \(detail)")
        }
        let labelValues = try CSVReader.readLabels(path: labels)
        guard labelValues.count == testMatrix.rows else {
            throw CSVError(
                file: labels, line: min(labelValues.count, testMatrix.rows) + 1,
                message: "\(labelValues.count) labels for \(testMatrix.rows) data rows in \(test)")
        }
        return (trainMatrix, testMatrix, labelValues)
    }

    /// Fits `kind` on `train`, decides on it with the daemon's promotion policy
    /// (`ThresholdPromotion`) on its held-out rows, scores `test` and measures against `labels`.
    ///
    /// `holdout` chooses the held-out rows: `.validation`, the fit's own seeded random validation split
    /// (`DetectorFactory.fitAndCalibrate`); or `.blocks(holdoutFraction:)`, the daemon's retrain split
    /// (`BlockHoldout`): the fit sees only the training blocks, the policy runs on the two held-out
    /// halves and the threshold is calibrated on all held-out blocks, as `aed` does on its retrain
    /// buffer. The report says whether the daemon would promote the model, and why not.
    /// - Throws: `DetectorError` from fitting or calibration, `DetectorError.invalidLabels` when the test
    ///   labels lack a class.
    public static func run(
        kind: DetectorKind, train: CSVMatrix, test: CSVMatrix, labels: [Int], options: DetectorOptions,
        targetFalsePositiveRate: Double, method: ThresholdMethod, holdout: EvalHoldout = .validation,
        measuresAttribution: Bool = false
    ) throws -> EvalReport {
        let trainTensor = Tensor(shape: [train.rows, train.columns], scalars: train.values)
        let testTensor = Tensor(shape: [test.rows, test.columns], scalars: test.values)
        let fitStart = Date()
        let detector: any AnomalyDetector
        let report: FitReport
        // The daemon's promotion policy decides on both holdouts; with `blocks` it runs on the
        // daemon's own split, as a retrain would.
        let promotion = ThresholdPromotion(targetFalsePositiveRate: targetFalsePositiveRate, method: method)
        let assessment: ThresholdPromotion.Assessment
        switch holdout {
        case .validation:
            (detector, report, assessment) = try DetectorFactory.fitAndCalibrate(
                kind: kind, data: trainTensor, options: options, promotion: promotion)
        case .blocks(let holdoutFraction):
            let split = BlockHoldout(count: train.rows, holdoutFraction: holdoutFraction)
            (detector, report) = try DetectorFactory.fit(kind: kind, data: trainTensor.gatheringRows(split.train), options: options)
            assessment = try promotion.assess(
                calibrationScores: detector.anomalyScores(trainTensor.gatheringRows(split.calibrate)),
                checkScores: detector.anomalyScores(trainTensor.gatheringRows(split.check)))
        }
        let threshold = assessment.threshold
        let fitSeconds = Date().timeIntervalSince(fitStart)
        let scoreStart = Date()
        let scores = detector.anomalyScores(testTensor)
        let scoreSeconds = Date().timeIntervalSince(scoreStart)
        let metrics = try DetectionMetrics(scores: scores, labels: labels)
        var falsePositives = 0, truePositives = 0
        for (score, label) in zip(scores, labels) where threshold.isAnomalous(score) {
            if label == 1 { truePositives += 1 } else { falsePositives += 1 }
        }
        let normals = labels.count - metrics.anomalies
        let constant: [Int]
        do {
            constant = try StandardScaler.fit(trainTensor).degenerate.enumerated().filter(\.element).map(\.offset)
        } catch {
            constant = []
        }
        var attribution: [AttributionAccuracy]?
        if measuresAttribution {
            let normalRows = labels.enumerated().filter { $0.element == 0 }.map(\.offset)
            let normal = testTensor.gatheringRows(normalRows)
            attribution = []
            for attributionMethod in FeatureAttribution.Method.allCases {
                for shift in EvalReport.attributionShifts {
                    if let accuracy = AttributionAccuracy.measure(
                        detector, normal: normal, shift: shift, method: attributionMethod, seed: options.seed)
                    {
                        attribution?.append(accuracy)
                    }
                }
            }
        }
        return EvalReport(
            detector: kind.rawValue, holdout: holdout.name, trainRows: train.rows, testRows: test.rows, features: train.columns,
            anomalies: metrics.anomalies, auroc: metrics.auroc, auprc: metrics.auprc, bestF1: metrics.bestF1,
            f1AtThreshold: DetectionMetrics.f1(scores: scores, labels: labels, threshold: threshold.value),
            threshold: threshold, testFalsePositiveRate: Double(falsePositives) / Double(max(normals, 1)),
            testRecall: Double(truePositives) / Double(max(metrics.anomalies, 1)), epochs: report.epochs,
            finalTrainLoss: report.finalTrainLoss, finalValidationLoss: report.finalValidationLoss, fitSeconds: fitSeconds, scoreSeconds: scoreSeconds,
            constantFeatures: constant, diagnostics: report.diagnostics, latentHealth: report.latentHealth,
            attribution: attribution, heldOutFalsePositiveRate: assessment.heldOutFalsePositiveRate,
            promotionRefusal: assessment.refusal)
    }
}
