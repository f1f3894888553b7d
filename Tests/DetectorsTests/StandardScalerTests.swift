import Foundation
import Testing
import Tensor
@testable import Detectors

@Suite struct StandardScalerTests {
    @Test func standardizesToZeroMeanUnitDeviation() throws {
        var rng = SplitMix64(seed: 1)
        let rows = 500
        var values: [Float] = []
        for _ in 0..<rows {
            values.append(Float(3 + 2 * rng.nextGaussian()))
            values.append(Float(-100 + 0.5 * rng.nextGaussian()))
        }
        let data = Tensor(shape: [rows, 2], scalars: values)
        let scaler = try StandardScaler.fit(data)
        let z = scaler.transform(data)
        for c in 0..<2 {
            let column = (0..<rows).map { Double(z.scalars[$0 * 2 + c]) }
            let mean = column.reduce(0, +) / Double(rows)
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows)
            #expect(abs(mean) < 1e-4)
            #expect(abs(variance - 1) < 1e-3)
        }
        #expect(scaler.degenerate == [false, false])
        let back = scaler.inverseTransform(z)
        for (a, b) in zip(back.scalars, values) { #expect(abs(a - b) < 1e-3 * max(1, abs(b))) }
    }

    @Test func constantFeatureIsFlooredAndClamped() throws {
        var rng = SplitMix64(seed: 2)
        var values: [Float] = []
        for _ in 0..<200 {
            values.append(Float(rng.nextGaussian()))
            values.append(0)  // constant in training, as in SMD
        }
        let scaler = try StandardScaler.fit(Tensor(shape: [200, 2], scalars: values))
        #expect(scaler.degenerate == [false, true])
        #expect(scaler.scale[1] > 0)
        let moved = scaler.transform(Tensor(shape: [3, 2], scalars: [0, 0, 0, 0.5, 0, -1e30]))
        #expect(moved.scalars[1] == 0)
        #expect(moved.scalars[3] == scaler.degenerateClip)
        #expect(moved.scalars[5] == -scaler.degenerateClip)
    }

    @Test func extremeAndNonFiniteInputsStayFinite() throws {
        let scaler = try StandardScaler.fit(Tensor(shape: [4, 1], scalars: [1, 2, 3, 4]))
        let z = scaler.transform(Tensor(shape: [4, 1], scalars: [1e30, -1e30, .infinity, .nan]))
        #expect(z.scalars.allSatisfy { $0.isFinite })
        #expect(z.scalars[0] == scaler.clip)
        #expect(z.scalars[1] == -scaler.clip)
    }

    @Test func rejectsEmptyAndNonFiniteTrainingData() {
        #expect(throws: DetectorError.emptyTrainingData(shape: [0, 3])) {
            try StandardScaler.fit(Tensor(shape: [0, 3], scalars: []))
        }
        #expect(throws: DetectorError.nonFiniteInput(row: 1, feature: 0)) {
            try StandardScaler.fit(Tensor(shape: [2, 2], scalars: [1, 2, .nan, 4]))
        }
    }

    @Test func codableRoundTripIsExact() throws {
        let scaler = try StandardScaler.fit(Tensor(shape: [3, 2], scalars: [0.1, 5, 0.2, 5, 0.35, 5]))
        let data = try JSONEncoder().encode(scaler)
        let back = try JSONDecoder().decode(StandardScaler.self, from: data)
        #expect(back == scaler)
    }
}
